-- Lab 05: Normalization and ER diagram case study
-- load.sql: split raw_orders into the normalized tables, parents first.

insert into postcodes (postcode, city)
select distinct customer_postcode, customer_city
from raw_orders;

insert into customers (email, name, postcode)
select distinct customer_email, customer_name, customer_postcode
from raw_orders;

-- author_id is generated; ordering by name makes the ids the same on every run.
insert into authors (name, country)
select distinct author_name, author_country
from raw_orders
order by author_name;

insert into books (isbn, title, author_id, category, list_price)
select distinct r.book_isbn, r.book_title, a.author_id, r.category, r.list_price
from raw_orders r
join authors a on a.name = r.author_name;

insert into orders (order_id, order_date, customer_email)
select distinct order_id, order_date, customer_email
from raw_orders;

-- One row per raw row: (order_id, line_no) is the key of both.
insert into order_lines (order_id, line_no, isbn, quantity, unit_price)
select order_id, line_no, book_isbn, quantity, unit_price
from raw_orders;
