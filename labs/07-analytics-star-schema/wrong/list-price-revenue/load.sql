-- Lab 07: load the analytics schema from src (reference solution).
-- Dimensions first, then the fact, which looks up their surrogate keys.

-- dim_date comes from a calendar, not from the orders: days without orders
-- must exist too. 2025-01-01 + 0 .. 180 = the first half of 2025.
insert into dw.dim_date (date_key, full_date, year, quarter, month, month_name,
                         day_of_month, day_of_week, day_name, is_weekend)
select to_char(d, 'YYYYMMDD')::integer,
       d,
       extract(year    from d)::smallint,
       extract(quarter from d)::smallint,
       extract(month   from d)::smallint,
       trim(to_char(d, 'Month')),
       extract(day     from d)::smallint,
       extract(isodow  from d)::smallint,
       trim(to_char(d, 'Day')),
       extract(isodow  from d) in (6, 7)
from (select date '2025-01-01' + g as d from generate_series(0, 180) as g) as calendar
order by d;

-- Every category, both levels. A top-level category rolls up to itself,
-- hence the left join and the coalesce.
insert into dw.dim_category (category_id, category_name, top_category_id, top_category_name)
select c.category_id,
       c.name,
       coalesce(p.category_id, c.category_id),
       coalesce(p.name, c.name)
from src.categories c
left join src.categories p on p.category_id = c.parent_id
order by c.category_id;

-- Every product, sold or not.
insert into dw.dim_product (product_id, product_name, list_price, category_key)
select p.product_id, p.name, p.list_price, dc.category_key
from src.products p
join dw.dim_category dc on dc.category_id = p.category_id
order by p.product_id;

-- Every customer, including those who never ordered.
insert into dw.dim_customer (customer_id, customer_name, country, signup_date)
select customer_id, full_name, country, signup_date
from src.customers
order by customer_id;

insert into dw.dim_store (store_id, store_name, channel, city)
select store_id, name, channel, city
from src.stores
order by store_id;

-- The fact, at order-line grain. The order's shipping_fee is allocated to its
-- lines in proportion to their net amount, rounded to the cent; the last line
-- of the order takes the rounding remainder, so each order's lines add up to
-- exactly its shipping_fee.
insert into dw.fact_sales (order_id, line_number, date_key, customer_key, product_key, store_key,
                           quantity, unit_price, gross_amount, discount_amount, net_amount,
                           shipping_amount)
with lines as (
    select o.order_id,
           i.line_no,
           (o.ordered_at at time zone 'UTC')::date as order_date,
           o.customer_id,
           o.store_id,
           i.product_id,
           i.quantity,
           i.unit_price,
           i.quantity * p.list_price              as gross_amount,   -- WRONG: today's list price
           i.discount                             as discount_amount,
           i.quantity * p.list_price - i.discount as net_amount,
           o.shipping_fee
    from src.orders o
    join src.order_items i on i.order_id = o.order_id
    join src.products p on p.product_id = i.product_id
    where o.status <> 'cancelled'
), shares as (
    select lines.*,
           round(shipping_fee * net_amount / nullif(sum(net_amount) over (partition by order_id), 0), 2) as share,
           row_number() over (partition by order_id order by line_no desc) as rank_from_last
    from lines
), allocated as (
    select shares.*,
           case
               when rank_from_last = 1
                   then shipping_fee - coalesce(sum(share) over (partition by order_id), 0) + coalesce(share, 0)
               else coalesce(share, 0)
           end as shipping_amount
    from shares
)
select a.order_id,
       a.line_no,
       dd.date_key,
       dcu.customer_key,
       dp.product_key,
       ds.store_key,
       a.quantity,
       a.unit_price,
       a.gross_amount,
       a.discount_amount,
       a.net_amount,
       a.shipping_amount
from allocated a
join dw.dim_date     dd  on dd.full_date    = a.order_date
join dw.dim_customer dcu on dcu.customer_id = a.customer_id
join dw.dim_product  dp  on dp.product_id   = a.product_id
join dw.dim_store    ds  on ds.store_id     = a.store_id
order by a.order_id, a.line_no;

analyze dw.dim_date, dw.dim_category, dw.dim_product, dw.dim_customer, dw.dim_store, dw.fact_sales;
