-- Lab 05: Normalization and ER diagram case study
-- load.sql: fill your tables from the staging table raw_orders.
--
-- It runs after schema.sql, on a database where raw_orders is already filled.
--
-- TODO: one insert ... select per table, parents first:
--   postcodes, customers, authors, books, orders, order_lines.
-- Use select distinct to keep one row per entity, for example:
--
--   insert into postcodes (postcode, city)
--   select distinct customer_postcode, customer_city
--   from raw_orders;
--
-- books needs the author_id that authors generated: join raw_orders to
-- authors on the author's name.
--
-- The first attempt below copies raw_orders into the single wide table.

insert into order_lines (order_id, line_no, order_date, customer_email, customer_name,
                         customer_city, customer_postcode, book_isbn, book_title,
                         author_name, author_country, category, list_price,
                         unit_price, quantity)
select order_id, line_no, order_date, customer_email, customer_name,
       customer_city, customer_postcode, book_isbn, book_title,
       author_name, author_country, category, list_price,
       unit_price, quantity
from raw_orders;
