-- Lab 06: the lab's five queries, and the statistics behind their estimates.
-- Put the cursor in a statement and use the Explain CodeLens above it: the plan view shows the
-- planner's estimated rows and cost for each node. Compare them with planner.py's.
-- Run the checks once first: they load shop.orders into the lab's database.

-- big-customer
select * from shop.orders where customer_id = 1;

-- one-customer
select * from shop.orders where customer_id = 2871;

-- first-week-of-may
select * from shop.orders
where shipped_at >= '2025-05-01 00:00:00+00' and shipped_at < '2025-05-08 00:00:00+00';

-- app-returns
select * from shop.orders where channel = 'app' and status = 'returned';

-- no-coupon
select * from shop.orders where coupon_code is null;

-- What the planner knows about the table: its row count and size at the last ANALYZE, and now.
select reltuples, relpages, pg_relation_size(oid) / current_setting('block_size')::int as pages_now
from pg_class
where oid = 'shop.orders'::regclass;

-- What it knows about each column.
select attname, null_frac, n_distinct, most_common_vals, most_common_freqs, histogram_bounds, correlation
from pg_stats
where schemaname = 'shop' and tablename = 'orders'
order by attname;

-- Its cost settings, and the cache it may count on (setting in units of unit: effective_cache_size in pages).
select name, setting, unit from pg_settings
where name in ('seq_page_cost', 'random_page_cost', 'cpu_tuple_cost', 'cpu_index_tuple_cost', 'cpu_operator_cost',
               'effective_cache_size')
order by name;
