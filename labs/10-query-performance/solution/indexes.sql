-- The indexes the five queries need, and no more: every index costs space and slows down every
-- insert and update of its table. The checks run this file after loading the data, then ANALYZE.

-- customer-orders, and the anti join of kiosk-gifts-to-newcomers (it probes orders by customer_id).
create index orders_customer_id_idx on orders (customer_id);

-- kiosk-latest: the equality column first, then the column of the range and of the ORDER BY. The scan
-- starts at (7, the latest time), walks backwards and stops after ten entries: no sort, thirteen pages.
-- (ordered_at, store_id) would walk through every order of 2025, of every store, to find the kiosk's.
create index orders_store_id_ordered_at_idx on orders (store_id, ordered_at);

-- customer-orders-and-gifts: an OR across two columns needs an index on each, combined by a BitmapOr.
-- Only one order in fifty is a gift, so a partial index leaves the nulls out and is fifty times smaller.
create index orders_gift_for_idx on orders (gift_for) where gift_for is not null;

-- customer-by-email: the query filters on lower(email), so the index must hold lower(email).
-- An index on email itself cannot serve it.
create index customers_lower_email_idx on customers (lower(email));
