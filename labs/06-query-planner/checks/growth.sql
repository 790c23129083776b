-- Hidden fixture for lab 06 (query-planner), run after the learner's indexes.sql.
-- The first 20 days of July arrive: 6,000 more orders, and no ANALYZE. pg_class.reltuples and
-- pg_stats still describe the 24,000 rows of June, while the table (and its indexes) now have
-- more pages: the planner scales its row count to the pages there are now.

select setseed(0.61);

insert into shop.orders (order_id, customer_id, status, channel, coupon_code, postcode, amount, created_at, shipped_at)
select 24000 + i,
       case when c < 0.15 then null
            when c < 0.25 then 1
            when c < 0.31 then 2
            when c < 0.35 then 3
            when c < 0.38 then 4
            when c < 0.40 then 5
            else 6 + floor(c2 * 3995)::int end,
       st,
       case when ch < 0.50 then 'web' when ch < 0.85 then 'app' when ch < 0.95 then 'phone' else 'marketplace' end,
       case when cp < 0.78 then null else 'PROMO' || (1 + floor(((cp - 0.78) / 0.22) ^ 2 * 12))::int end,
       (10000 + (24000 + i) * 7919 % 2711 * 31)::text,
       round((4.99 + exp(am * 6.5))::numeric, 2),
       created,
       case when st in ('processing', 'cancelled') then null
            else created + make_interval(secs => 86400 * (0.5 + sh * 4)) end
from (
    select i, random() as c, random() as c2, random() as s, random() as ch, random() as cp, random() as am, random() as sh,
           timestamptz '2025-07-01 00:00:00+00' + make_interval(secs => 20 * 86400 * (i - 0.5) / 6000.0) as created
    from generate_series(1, 6000) as i
) as g
cross join lateral (
    select case when s < 0.62 then 'delivered' when s < 0.77 then 'shipped' when s < 0.87 then 'processing'
                when s < 0.95 then 'cancelled' else 'returned' end as st
) as x;
