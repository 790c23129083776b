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
-- WRONG (NOT IN and NOT EXISTS differ on NULLs): a mechanical NOT IN -> NOT EXISTS rewrite. Orders
-- without gift_for have no matching row, so NOT EXISTS keeps them; NOT IN never did.
select o.order_id, o.ordered_at, o.gift_for
from orders o
where o.store_id = 7
  and o.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
  and not exists (
      select 1
      from orders r
      where r.customer_id = o.gift_for
        and r.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
  )
order by o.order_id;

-- query: customer-orders-and-gifts
-- Unchanged: with an index on each column the planner ORs two bitmap index scans.
select order_id, customer_id, gift_for, ordered_at, amount
from orders
where customer_id = 30865 or gift_for = 30865
order by order_id;
