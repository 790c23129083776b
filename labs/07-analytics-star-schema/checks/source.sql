-- Hidden fixture for lab 07 (analytics-star-schema).
-- Builds schema src: the OLTP tables of a small online shop.
-- Fully deterministic: no random(), no now(); all timestamps are given in UTC.

drop schema if exists src cascade;
create schema src;

create table src.categories (
    category_id integer primary key,
    name        text    not null,
    parent_id   integer references src.categories (category_id)
);

insert into src.categories (category_id, name, parent_id) values
    (1,  'Electronics',    null),
    (2,  'Home & Kitchen', null),
    (3,  'Books',          null),
    (4,  'Gifts',          null),
    (11, 'Phones',         1),
    (12, 'Audio',          1),
    (21, 'Cookware',       2),
    (22, 'Furniture',      2),
    (31, 'Fiction',        3),
    (32, 'Non-fiction',    3);

create table src.products (
    product_id  integer primary key,
    name        text          not null,
    category_id integer       not null references src.categories (category_id),
    list_price  numeric(10,2) not null check (list_price >= 0)
);

insert into src.products (product_id, name, category_id, list_price) values
    (1,  'Smartphone A5',              11, 299.00),
    (2,  'Smartphone X9',              11, 649.00),
    (3,  'Phone case',                 11,  19.90),
    (4,  'Wireless earbuds',           12,  89.00),
    (5,  'Bluetooth speaker',          12,  59.90),
    (6,  'Headphones Pro',             12, 199.00),
    (7,  'Frying pan 28 cm',           21,  34.90),
    (8,  'Chef''s knife',              21,  49.00),
    (9,  'Stock pot 8 l',              21,  44.50),
    (10, 'Bookshelf',                  22, 129.00),
    (11, 'Desk chair',                 22, 179.00),
    (12, 'The Long Voyage',            31,  14.99),
    (13, 'Winter Tales',               31,  12.50),
    (14, 'Data Pipelines in Practice', 32,  39.90),
    (15, 'A Short History of Maps',    32,  24.00),
    (16, 'Gift card 25',                4,  25.00),
    (17, 'Gift card 100',               4, 100.00);

create table src.customers (
    customer_id integer primary key,
    full_name   text not null,
    email       text not null unique,
    country     text not null,
    signup_date date not null
);

insert into src.customers (customer_id, full_name, email, country, signup_date)
select g,
       (array['Anna','Ben','Clara','David','Emma','Felix','Greta','Hugo','Ines','Jonas'])[1 + (g * 7) % 10]
       || ' ' ||
       (array['Meyer','Schmidt','Novak','Dubois','Jansen','Keller','Rossi','Weber','Lang','Berg'])[1 + (g * 3) % 10],
       'customer' || g || '@example.com',
       (array['DE','AT','CH','FR','NL'])[1 + g % 5],
       date '2023-01-15' + g * 17
from generate_series(1, 40) as g;

create table src.stores (
    store_id integer primary key,
    name     text not null,
    channel  text not null check (channel in ('web', 'app', 'retail')),
    city     text not null
);

insert into src.stores (store_id, name, channel, city) values
    (1, 'Web shop',       'web',    'Online'),
    (2, 'Mobile app',     'app',    'Online'),
    (3, 'Berlin Mitte',   'retail', 'Berlin'),
    (4, 'Hamburg Altona', 'retail', 'Hamburg');

create table src.orders (
    order_id     integer      primary key,
    customer_id  integer      not null references src.customers (customer_id),
    store_id     integer      not null references src.stores (store_id),
    ordered_at   timestamptz  not null,
    status       text         not null check (status in ('delivered', 'shipped', 'cancelled')),
    shipping_fee numeric(8,2) not null default 0 check (shipping_fee >= 0)
);

-- Between 0 and 4 orders a day over the first half of 2025. The shop is closed
-- on 1 January and over Easter (18 to 21 April), and other days simply have no
-- orders, so the order dates alone do not form a complete calendar.
insert into src.orders (order_id, customer_id, store_id, ordered_at, status, shipping_fee)
with days as (
    select d,
           date '2025-01-01' + d as day,
           case
               when d = 0 then 0
               when date '2025-01-01' + d between date '2025-04-18' and date '2025-04-21' then 0
               else (d * 7 + 3) % 5
           end as n_orders
    from generate_series(0, 180) as d
), slots as (
    select days.d, days.day, k
    from days
    cross join lateral generate_series(1, days.n_orders) as k
), numbered as (
    select (row_number() over (order by d, k))::integer as order_id, d, day, k
    from slots
), shaped as (
    select order_id,
           day,
           1 + (order_id * 7 + d) % 36 as customer_id,
           1 + (order_id * 3 + k) % 4  as store_id
    from numbered
)
select order_id,
       customer_id,
       store_id,
       (day + time '08:00' + make_interval(mins => (order_id * 37) % 600)) at time zone 'UTC',
       case
           when order_id % 11 = 0 then 'cancelled'
           when day > date '2025-06-20' then 'shipped'
           else 'delivered'
       end,
       case
           when store_id in (3, 4) then 0.00           -- bought in a store: no shipping
           when order_id % 5 = 0 then 0.00             -- free-shipping promotion
           else (array[3.95, 4.95, 6.95])[1 + order_id % 3]
       end
from shaped;

create table src.order_items (
    order_id   integer       not null references src.orders (order_id),
    line_no    integer       not null,
    product_id integer       not null references src.products (product_id),
    quantity   integer       not null check (quantity > 0),
    unit_price numeric(10,2) not null check (unit_price >= 0),
    discount   numeric(10,2) not null default 0 check (discount >= 0),  -- the line's discount, in EUR
    primary key (order_id, line_no)
);

-- 1 to 4 lines an order. Prices were raised by about 5 % on 1 April, so the
-- price paid (unit_price) is not always the product's current list_price.
insert into src.order_items (order_id, line_no, product_id, quantity, unit_price, discount)
with lines as (
    select o.order_id,
           o.ordered_at,
           l as line_no,
           1 + (o.order_id * 7 + l * 5) % 16 as product_id,
           1 + (o.order_id + l * 3) % 3      as quantity
    from src.orders o
    cross join lateral generate_series(1, 1 + o.order_id % 4) as l
), priced as (
    select lines.*,
           case
               when p.category_id = 4 then p.list_price
               when lines.ordered_at < timestamptz '2025-04-01 00:00:00+00' then round(p.list_price * 0.95, 2)
               else p.list_price
           end as unit_price
    from lines
    join src.products p using (product_id)
)
select order_id,
       line_no,
       product_id,
       quantity,
       unit_price,
       case when (order_id + line_no) % 7 = 0 then round(quantity * unit_price * 0.10, 2) else 0.00 end
from priced;

analyze src.categories, src.products, src.customers, src.stores, src.orders, src.order_items;
