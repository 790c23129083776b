-- The indexes the five queries need, and no more: every index costs space and slows down every
-- insert and update of its table. The checks run this file after loading the data, then ANALYZE.

-- customer-orders, and the anti join of kiosk-gifts-to-newcomers (it probes orders by customer_id).
create index orders_customer_id_idx on orders (customer_id);

-- WRONG (the range column first): kiosk-latest filters on ordered_at and sorts by it, so ordered_at
-- goes first, then store_id. The backward scan must step over the orders of every other store.
create index orders_ordered_at_store_id_idx on orders (ordered_at, store_id);

-- customer-orders-and-gifts: an OR across two columns needs an index on each, combined by a BitmapOr.
-- Only one order in fifty is a gift, so a partial index leaves the nulls out and is fifty times smaller.
create index orders_gift_for_idx on orders (gift_for) where gift_for is not null;

-- customer-by-email: the query filters on lower(email), so the index must hold lower(email).
-- An index on email itself cannot serve it.
create index customers_lower_email_idx on customers (lower(email));
