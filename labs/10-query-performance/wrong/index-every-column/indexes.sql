-- WRONG (index everything): one index per column the queries touch, and the pairs they filter on,
-- "to be safe". The queries are fast, but every insert into orders now updates eight indexes.
create index orders_customer_id_idx on orders (customer_id);
create index orders_store_id_idx on orders (store_id);
create index orders_ordered_at_idx on orders (ordered_at);
create index orders_gift_for_idx on orders (gift_for);
create index orders_status_idx on orders (status);
create index orders_store_id_ordered_at_idx on orders (store_id, ordered_at);
create index orders_customer_id_ordered_at_idx on orders (customer_id, ordered_at);
create index orders_customer_id_gift_for_idx on orders (customer_id, gift_for);
create index customers_email_idx on customers (email);
create index customers_lower_email_idx on customers (lower(email));
create index customers_country_idx on customers (country);
