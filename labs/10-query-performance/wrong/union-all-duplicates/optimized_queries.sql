-- The five queries, rewritten where the plan needs it. Same ids, same rows, same order.

-- query: customer-orders
-- orders_customer_id_idx finds the customer's eleven orders; sorting eleven rows costs nothing.
select order_id, ordered_at, status, amount
from orders
where customer_id = 31337
order by ordered_at;

-- query: kiosk-latest
-- Unchanged: orders_store_id_ordered_at_idx returns the rows already in ORDER BY order.
select order_id, ordered_at, amount
from orders
where store_id = 7
  and ordered_at >= timestamptz '2025-01-01 00:00:00+00'
order by ordered_at desc
limit 10;

-- query: customer-by-email
-- Unchanged: customers_lower_email_idx indexes exactly the expression of the WHERE clause.
select customer_id, email, full_name, country
from customers
where lower(email) = lower('BEN.MOREAU150150@post.example.NET');

-- query: kiosk-gifts-to-newcomers
-- NOT IN cannot become an anti join: it must build the whole subquery (every order of 2025) before it
-- can answer for a single row. NOT EXISTS can, and the anti join probes orders_customer_id_idx once
-- per gift order. The two differ on NULLs: `null not in (...)` is null, so the original never returns
-- an order without gift_for, while NOT EXISTS would return all of them. Hence the IS NOT NULL.
select o.order_id, o.ordered_at, o.gift_for
from orders o
where o.store_id = 7
  and o.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
  and o.gift_for is not null
  and not exists (
      select 1
      from orders r
      where r.customer_id = o.gift_for
        and r.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
  )
order by o.order_id;

-- query: customer-orders-and-gifts
-- WRONG (UNION ALL keeps rows that match both sides twice): the OR split into two index lookups.
select order_id, customer_id, gift_for, ordered_at, amount
from orders
where customer_id = 30865
union all
select order_id, customer_id, gift_for, ordered_at, amount
from orders
where gift_for = 30865
order by order_id;
