-- The five customers with the highest net revenue.
-- Columns: customer_id (the source's natural key), customer_name, net_revenue (numeric).
-- Ordered by net_revenue descending, ties broken by customer_id ascending.
-- Read only from schema dw.

-- TODO: replace this placeholder with your query.
select null::integer as customer_id, null::text as customer_name, null::numeric as net_revenue
where false;
