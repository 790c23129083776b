-- WRONG (a composite index cannot serve an OR on its second column): one index on both columns of
-- customer-orders-and-gifts, "so that the OR has everything in one place". It serves customer_id
-- (customer-orders, the anti join), but gift_for = 30865 is not a prefix of it: the BitmapOr's second
-- branch reads the whole index.
create index orders_customer_id_gift_for_idx on orders (customer_id, gift_for);

-- kiosk-latest: the equality column first, then the column of the range and of the ORDER BY.
create index orders_store_id_ordered_at_idx on orders (store_id, ordered_at);

-- customer-by-email: the query filters on lower(email), so the index must hold lower(email).
create index customers_lower_email_idx on customers (lower(email));
