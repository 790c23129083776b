-- Lab 07: the analytics schema (reference solution).
-- A star schema with one snowflaked branch: dim_product -> dim_category.
-- Re-runnable: it drops and re-creates schema dw.

drop schema if exists dw cascade;
create schema dw;

-- One row per calendar day, 2025-01-01 to 2025-06-30, whether or not anything was sold.
-- date_key is a "smart" surrogate key: 20250131 for 31 January 2025.
create table dw.dim_date (
    date_key      integer  primary key,
    full_date     date     not null unique,
    year          smallint not null,
    quarter       smallint not null check (quarter between 1 and 4),
    month         smallint not null check (month between 1 and 12),
    month_name    text     not null,
    day_of_month  smallint not null,
    day_of_week   smallint not null check (day_of_week between 1 and 7),  -- ISO: 1 = Monday, 7 = Sunday
    day_name      text     not null,
    is_weekend    boolean  not null
);

-- The snowflaked level: one row per source category (both levels of the hierarchy),
-- each carrying the top-level category it rolls up to.
create table dw.dim_category (
    category_key      integer generated always as identity primary key,
    category_id       integer not null unique,           -- natural key from src.categories
    category_name     text    not null,
    top_category_id   integer not null,
    top_category_name text    not null
);

create table dw.dim_product (
    product_key  integer generated always as identity primary key,
    product_id   integer       not null unique,          -- natural key from src.products
    product_name text          not null,
    list_price   numeric(10,2) not null,
    category_key integer       not null references dw.dim_category (category_key)
);

create table dw.dim_customer (
    customer_key integer generated always as identity primary key,
    customer_id  integer not null unique,                -- natural key from src.customers
    customer_name text   not null,
    country      text    not null,
    signup_date  date    not null
);

create table dw.dim_store (
    store_key  integer generated always as identity primary key,
    store_id   integer not null unique,                  -- natural key from src.stores
    store_name text    not null,
    channel    text    not null,
    city       text    not null
);

-- Grain: one row per order line of a non-cancelled order.
-- order_id is a degenerate dimension; (order_id, line_number) identifies the line.
create table dw.fact_sales (
    order_id        integer       not null,
    line_number     integer       not null,
    date_key        integer       not null references dw.dim_date (date_key),
    customer_key    integer       not null references dw.dim_customer (customer_key),
    product_key     integer       not null references dw.dim_product (product_key),
    store_key       integer       not null references dw.dim_store (store_key),
    quantity        integer       not null,
    unit_price      numeric(10,2) not null,
    gross_amount    numeric(12,2) not null,
    discount_amount numeric(12,2) not null,
    net_amount      numeric(12,2) not null,
    shipping_amount numeric(12,2) not null,
    primary key (order_id, line_number)
);

create index fact_sales_date_key_idx     on dw.fact_sales (date_key);
create index fact_sales_customer_key_idx on dw.fact_sales (customer_key);
create index fact_sales_product_key_idx  on dw.fact_sales (product_key);
create index fact_sales_store_key_idx    on dw.fact_sales (store_key);
