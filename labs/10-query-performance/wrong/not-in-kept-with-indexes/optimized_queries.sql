-- WRONG (indexes alone do not fix NOT IN): the five queries unchanged, trusting indexes.sql to make
-- all of them fast. kiosk-gifts-to-newcomers still builds its NOT IN subquery from every 2025 order.

-- query: customer-orders
-- The order history page: every order of one customer, oldest first.
select order_id, ordered_at, status, amount
from orders
where customer_id = 31337
order by ordered_at;

-- query: kiosk-latest
-- The airport kiosk's dashboard: its ten latest orders this year.
select order_id, ordered_at, amount
from orders
where store_id = 7
  and ordered_at >= timestamptz '2025-01-01 00:00:00+00'
order by ordered_at desc
limit 10;

-- query: customer-by-email
-- Sign-in: find a customer by e-mail address, whatever the case the customer typed it in.
select customer_id, email, full_name, country
from customers
where lower(email) = lower('BEN.MOREAU150150@post.example.NET');

-- query: kiosk-gifts-to-newcomers
-- Marketing: the kiosk's gift orders this year whose recipient has not ordered anything
-- themselves this year (they get a welcome voucher). Orders that are not gifts have no gift_for.
select o.order_id, o.ordered_at, o.gift_for
from orders o
where o.store_id = 7
  and o.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
  and o.gift_for not in (
      select r.customer_id
      from orders r
      where r.ordered_at >= timestamptz '2025-01-01 00:00:00+00'
        and r.customer_id is not null
  )
order by o.order_id;

-- query: customer-orders-and-gifts
-- Customer service: every order a customer placed or received as a gift.
select order_id, customer_id, gift_for, ordered_at, amount
from orders
where customer_id = 30865 or gift_for = 30865
order by order_id;
