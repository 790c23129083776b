-- Lab 07: the analytics schema.
-- Runs after the hidden fixture that creates schema src, and before load.sql.
-- See README.md for the exact table and column names the checks expect.

create schema if not exists dw;

-- Tip: once you create tables here, make this file re-runnable:
--   drop schema if exists dw cascade;
--   create schema dw;

-- TODO 1. Declare the grain of dw.fact_sales in one sentence, here:
--   "One row of dw.fact_sales is ..."

-- TODO 2. dw.dim_date: date_key integer primary key (YYYYMMDD), full_date date not null unique,
--         year, quarter, month, day_of_month, day_of_week (ISO: 1 = Monday), is_weekend.

-- TODO 3. dw.dim_category: category_key (surrogate), category_id (natural key),
--         category_name, top_category_id, top_category_name.

-- TODO 4. dw.dim_product: product_key (surrogate), product_id (natural key), product_name,
--         list_price, category_key referencing dw.dim_category (the snowflaked branch).

-- TODO 5. dw.dim_customer and dw.dim_store: a surrogate key each, and the natural key
--         kept as a NOT NULL UNIQUE column.

-- TODO 6. dw.fact_sales: the degenerate order_id and line_number (the primary key),
--         date_key, customer_key, product_key, store_key (NOT NULL, each a foreign key),
--         and the measures quantity, unit_price, gross_amount, discount_amount,
--         net_amount, shipping_amount.

-- TODO 7. An index that helps queries filtering or joining on date_key.
