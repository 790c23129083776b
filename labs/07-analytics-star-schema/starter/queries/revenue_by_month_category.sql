-- Net revenue by month and top-level category.
-- Columns: month (text, 'YYYY-MM'), top_category (text), net_revenue (numeric).
-- One row per month and top-level category that has sales, ordered by month, then top_category.
-- Read only from schema dw.

-- TODO: replace this placeholder with your query.
select null::text as month, null::text as top_category, null::numeric as net_revenue
where false;
