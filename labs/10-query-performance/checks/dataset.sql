-- Lab 10 (query-performance): the shop's data, generated.
--
-- 200,000 customers and 1,000,000 orders, the same rows on every run and every PostgreSQL version:
-- every "random" choice comes from a hash of the row number (hashint8extended, stable across versions
-- and platforms), never from random(). The tables are UNLOGGED and their keys are added after the
-- load, so the whole file runs in a few seconds.

create unlogged table customers (
    customer_id  integer not null,
    email        text    not null,
    full_name    text    not null,
    country      text    not null,
    signup_date  date    not null,
    referred_by  integer            -- the customer who referred this one; null for most
);

create unlogged table stores (
    store_id  integer not null,
    name      text    not null,
    city      text    not null
);

create unlogged table orders (
    order_id     bigint        not null,
    customer_id  integer,                 -- null for a guest checkout
    store_id     integer       not null,
    gift_for     integer,                 -- the customer who receives the order as a gift; null for most
    status       text          not null,  -- delivered, shipped, returned, cancelled
    ordered_at   timestamptz   not null,
    amount       numeric(10,2) not null
);

insert into stores
select s,
       case when s = 7 then 'Airport kiosk' else 'Store ' || s end,
       (array['Berlin','Paris','Madrid','Rome','Amsterdam','Warsaw','Stockholm','Lisbon','Vienna','Dublin'])[1 + s % 10]
from generate_series(1, 50) as s;

-- Each row draws its choices from the bits of one or two 64-bit hashes of its number: (h >> k) & 1023
-- is a uniform integer in [0, 1024), independent of the other slices.

-- Customers sign up in customer_id order, from 2022-01-01 to 2025-06-30 (1,276 days); 35% were
-- referred by an earlier customer.
insert into customers
select i,
       case when (h >> 30) & 1023 < 512 then n.first_name || '.' || n.last_name
            when (h >> 30) & 1023 < 819 then lower(n.first_name || '.' || n.last_name)
            else left(n.first_name, 1) || lower(n.last_name) end
         || i || '@' || (array['example.com','Example.COM','mail.example.org','Post.Example.net'])[1 + ((h >> 40) & 3)::int],
       n.first_name || ' ' || n.last_name,
       case when c < 307 then 'DE' when c < 492 then 'FR' when c < 614 then 'ES' when c < 717 then 'IT'
            when c < 799 then 'NL' when c < 870 then 'PL' when c < 922 then 'SE' when c < 963 then 'PT'
            when c < 993 then 'AT' when c < 1014 then 'IE' else 'IS' end,
       date '2022-01-01' + (i * 1276 / 200000)::int,
       case when i > 1 and (h >> 42) & 1023 < 358 then 1 + ((hashint8extended(i, 4) & 1048575) * (i - 1) >> 20)::int end
from generate_series(1, 200000) as i,
     lateral (select hashint8extended(i, 3) as h) as hashes,
     lateral (select (h >> 20) & 1023 as c) as countries,
     lateral (
         select (array['Ana','Ben','Chloe','David','Emma','Felix','Grace','Hugo','Ines','Jonas',
                       'Karin','Liam','Maria','Noah','Olga','Pablo','Rosa','Sven','Tara','Yusuf'])[1 + ((h & 1023) * 20 >> 10)::int] as first_name,
                (array['Silva','Schmidt','Rossi','Novak','Keller','Dubois','Garcia','Jansen','Kowalski','Larsen',
                       'Moreau','Nielsen','Ortiz','Petrov','Quinn','Richter','Santos','Tanaka','Weber','Zeller'])[1 + (((h >> 10) & 1023) * 20 >> 10)::int] as last_name
     ) as n;

-- Orders from 2023-01-01 to 2025-06-30, in order_id order, about 79 s apart. A customer can only
-- order after signing up; 3% are guest checkouts, and one customer in twenty never orders at all.
-- Store 7, the airport kiosk, takes only one order in ten thousand, and most of them are gifts.
insert into orders
select i,
       case when (h1 >> 6) & 1023 < 31 or hashint8extended(drawn.customer_id, 8) & 1023 < 51 then null
            else drawn.customer_id end,
       store.store_id,
       case when i = 392115 then 30865  -- customer 30865 bought herself a present on Christmas Eve
            when (h2 >> 26) & 1023 < (case when store.store_id = 7 then 717 else 20 end)
            then 1 + (((h2 >> 36) & 1048575) * 200000 >> 20)::int end,
       case when h2 & 1023 < 819 then 'delivered' when h2 & 1023 < 922 then 'shipped'
            when h2 & 1023 < 973 then 'returned' else 'cancelled' end,
       timestamptz '2023-01-01 00:00:00+00' + (i - 1) * interval '78.7104 seconds' + (h1 & 63) * interval '1 second',
       (500 + ((h2 >> 10) & 65535) * ((h2 >> 10) & 65535) * 49500 / 4294967296) * 0.01
from generate_series(1, 1000000) as i,
     lateral (select hashint8extended(i, 1) as h1, hashint8extended(i, 2) as h2) as hashes,
     -- customers signed up by the order's date: from 57,210 on 2023-01-01 to 200,000 at the end
     lateral (select 1 + (((h1 >> 16) & 1048575) * ((365 + (i - 1) * 911 / 1000000) * 200000 / 1276) >> 20)::int as customer_id) as drawn,
     lateral (select case when x = 7 and (h1 >> 46) & 1023 >= 5 then 8 else x end as store_id
              from (select 1 + (((h1 >> 36) & 1023) * 50 >> 10)::int as x) as raw) as store;

alter table customers add primary key (customer_id);
alter table stores add primary key (store_id);
alter table orders add primary key (order_id);
-- No ANALYZE here: checks/analyze.sql runs it after your indexes.sql, so expression indexes get statistics too.
