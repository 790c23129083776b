-- Lab 06: the indexes of shop.orders (reference solution).
-- Single-column B-tree indexes, created before the July orders arrive.

-- One customer's orders: a handful of rows among 30,000. Customer 1 has one order in ten:
-- for that value the planner will still prefer the sequential scan, and rightly so.
create index orders_customer_id_idx on shop.orders (customer_id);

-- Orders shipped in a given week. shipped_at follows the table's physical order closely
-- (correlation near 1), so even a week of orders is cheap to fetch through the index.
create index orders_shipped_at_idx on shop.orders (shipped_at);
