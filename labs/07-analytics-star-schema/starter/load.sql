-- Lab 07: load the analytics schema from src.
-- Runs after schema.sql on a fresh database in which src is already filled.

-- TODO 1. dw.dim_date: every day from 2025-01-01 to 2025-06-30, generated from a
--         calendar (generate_series), not from the order dates.

-- TODO 2. dw.dim_category: every row of src.categories, each with its top-level
--         category (a top-level category is its own top-level category).

-- TODO 3. dw.dim_product, dw.dim_customer, dw.dim_store: every row of their source table.

-- TODO 4. dw.fact_sales: one row per line of every order whose status is not 'cancelled'.
--         Look up each surrogate key through the natural key, take the date as
--         (ordered_at at time zone 'UTC')::date, and allocate the order's shipping_fee
--         over its lines (see README.md).

select 1 where false;  -- placeholder: remove once you write the inserts
