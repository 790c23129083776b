-- Hidden fixture of lab 05: the bookshop's order export, one row per order line.
-- The checks run it first, on a freshly created database, before the learner's
-- schema.sql and load.sql. Every value is written out: the data is the same on
-- every run. The ISBNs are made up.
--
-- Dependencies the data holds (and the brief states or lets the learner find):
--   order_id               -> order_date, customer_email
--   order_id, line_no      -> book_isbn, unit_price, quantity (and everything else)
--   customer_email         -> customer_name, customer_postcode
--   customer_postcode      -> customer_city   (EH1 and EH3 are both Edinburgh)
--   book_isbn              -> book_title, author_name, category, list_price
--   author_name            -> author_country
-- Traps: unit_price differs from list_price on some lines and varies per book;
-- order 1014 has the same book on two lines (second copy at half price), so
-- (order_id, book_isbn) is not a key; two customers are both called Alice Martin;
-- two books (two editions) share a title.

create table raw_orders (
    order_id          integer      not null,
    order_date        date         not null,
    customer_email    text         not null,
    customer_name     text         not null,
    customer_city     text         not null,
    customer_postcode text         not null,
    line_no           integer      not null,
    book_isbn         text         not null,
    book_title        text         not null,
    author_name       text         not null,
    author_country    text         not null,
    category          text         not null,
    list_price        numeric(8,2) not null,
    unit_price        numeric(8,2) not null,
    quantity          integer      not null
);

insert into raw_orders (order_id, order_date, customer_email, customer_name, customer_city,
                        customer_postcode, line_no, book_isbn, book_title, author_name,
                        author_country, category, list_price, unit_price, quantity)
values
  (1001, '2024-03-02', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 1, '9781000000011', 'A Wizard of Earthsea', 'Ursula K. Le Guin', 'United States', 'Fantasy', 9.99, 9.99, 1),
  (1001, '2024-03-02', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 2, '9781000000042', 'Guards! Guards!', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 8.99, 8.99, 1),
  (1002, '2024-03-03', 'ben.okafor@example.com', 'Ben Okafor', 'Manchester', 'M1', 1, '9781000000103', 'Designing Data-Intensive Applications', 'Martin Kleppmann', 'United Kingdom', 'Data Engineering', 45.00, 45.00, 1),
  (1003, '2024-03-05', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 1, '9781000000066', 'Half of a Yellow Sun', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 11.99, 11.99, 1),
  (1003, '2024-03-05', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 2, '9781000000073', 'Americanah', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 12.99, 12.99, 1),
  (1003, '2024-03-05', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 3, '9781000000080', 'Kafka on the Shore', 'Haruki Murakami', 'Japan', 'Fiction', 11.49, 11.49, 2),
  (1004, '2024-03-09', 'dan.price@example.org', 'Daniel Price', 'Leeds', 'LS6', 1, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 8.49, 1),
  (1004, '2024-03-09', 'dan.price@example.org', 'Daniel Price', 'Leeds', 'LS6', 2, '9781000000042', 'Guards! Guards!', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 8.99, 8.99, 1),
  (1005, '2024-03-12', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 1, '9781000000028', 'The Left Hand of Darkness', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1005, '2024-03-12', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 2, '9781000000035', 'The Dispossessed', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1006, '2024-03-15', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 1, '9781000000110', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 52.00, 52.00, 1),
  (1006, '2024-03-15', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 2, '9781000000103', 'Designing Data-Intensive Applications', 'Martin Kleppmann', 'United Kingdom', 'Data Engineering', 45.00, 45.00, 1),
  (1007, '2024-03-18', 'alice.martin@example.net', 'Alice Martin', 'Cambridge', 'CB2', 1, '9781000000097', 'Norwegian Wood', 'Haruki Murakami', 'Japan', 'Fiction', 10.49, 10.49, 1),
  (1008, '2024-03-21', 'farah.khan@example.com', 'Farah Khan', 'Edinburgh', 'EH3', 1, '9781000000011', 'A Wizard of Earthsea', 'Ursula K. Le Guin', 'United States', 'Fantasy', 9.99, 8.99, 2),
  (1008, '2024-03-21', 'farah.khan@example.com', 'Farah Khan', 'Edinburgh', 'EH3', 2, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 8.49, 1),
  (1009, '2024-03-28', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 1, '9781000000127', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 38.00, 38.00, 1),
  (1010, '2024-04-02', 'hana.sato@example.com', 'Hana Sato', 'Manchester', 'M4', 1, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 9.49, 2),
  (1010, '2024-04-02', 'hana.sato@example.com', 'Hana Sato', 'Manchester', 'M4', 2, '9781000000042', 'Guards! Guards!', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 8.99, 8.99, 1),
  (1011, '2024-04-04', 'ben.okafor@example.com', 'Ben Okafor', 'Manchester', 'M1', 1, '9781000000110', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 52.00, 46.80, 1),
  (1011, '2024-04-04', 'ben.okafor@example.com', 'Ben Okafor', 'Manchester', 'M1', 2, '9781000000127', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 38.00, 38.00, 1),
  (1012, '2024-04-08', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 1, '9781000000097', 'Norwegian Wood', 'Haruki Murakami', 'Japan', 'Fiction', 10.49, 10.49, 1),
  (1012, '2024-04-08', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 2, '9781000000080', 'Kafka on the Shore', 'Haruki Murakami', 'Japan', 'Fiction', 11.49, 11.49, 1),
  (1013, '2024-04-11', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 1, '9781000000011', 'A Wizard of Earthsea', 'Ursula K. Le Guin', 'United States', 'Fantasy', 9.99, 9.99, 1),
  (1014, '2024-04-15', 'dan.price@example.org', 'Daniel Price', 'Leeds', 'LS6', 1, '9781000000073', 'Americanah', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 12.99, 12.99, 1),
  (1014, '2024-04-15', 'dan.price@example.org', 'Daniel Price', 'Leeds', 'LS6', 2, '9781000000073', 'Americanah', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 12.99, 6.50, 1),
  (1015, '2024-04-19', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 1, '9781000000035', 'The Dispossessed', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1015, '2024-04-19', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 2, '9781000000028', 'The Left Hand of Darkness', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 9.89, 1),
  (1016, '2024-04-23', 'farah.khan@example.com', 'Farah Khan', 'Edinburgh', 'EH3', 1, '9781000000066', 'Half of a Yellow Sun', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 11.99, 11.99, 1),
  (1017, '2024-04-27', 'alice.martin@example.net', 'Alice Martin', 'Cambridge', 'CB2', 1, '9781000000103', 'Designing Data-Intensive Applications', 'Martin Kleppmann', 'United Kingdom', 'Data Engineering', 45.00, 40.50, 1),
  (1017, '2024-04-27', 'alice.martin@example.net', 'Alice Martin', 'Cambridge', 'CB2', 2, '9781000000042', 'Guards! Guards!', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 8.99, 8.99, 1),
  (1017, '2024-04-27', 'alice.martin@example.net', 'Alice Martin', 'Cambridge', 'CB2', 3, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 9.49, 1),
  (1018, '2024-05-02', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 1, '9781000000080', 'Kafka on the Shore', 'Haruki Murakami', 'Japan', 'Fiction', 11.49, 11.49, 1),
  (1018, '2024-05-02', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 2, '9781000000097', 'Norwegian Wood', 'Haruki Murakami', 'Japan', 'Fiction', 10.49, 10.49, 1),
  (1018, '2024-05-02', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 3, '9781000000011', 'A Wizard of Earthsea', 'Ursula K. Le Guin', 'United States', 'Fantasy', 9.99, 9.99, 1),
  (1019, '2024-05-06', 'hana.sato@example.com', 'Hana Sato', 'Manchester', 'M4', 1, '9781000000110', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 52.00, 52.00, 1),
  (1020, '2024-05-10', 'ben.okafor@example.com', 'Ben Okafor', 'Manchester', 'M1', 1, '9781000000042', 'Guards! Guards!', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 8.99, 7.99, 3),
  (1020, '2024-05-10', 'ben.okafor@example.com', 'Ben Okafor', 'Manchester', 'M1', 2, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 9.49, 1),
  (1021, '2024-05-14', 'chloe.dubois@example.com', 'Chloe Dubois', 'Edinburgh', 'EH1', 1, '9781000000028', 'The Left Hand of Darkness', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1022, '2024-05-20', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 1, '9781000000103', 'Designing Data-Intensive Applications', 'Martin Kleppmann', 'United Kingdom', 'Data Engineering', 45.00, 45.00, 1),
  (1022, '2024-05-20', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 2, '9781000000127', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 38.00, 34.20, 1),
  (1022, '2024-05-20', 'alice.m@example.com', 'Alice Martin', 'Edinburgh', 'EH3', 3, '9781000000066', 'Half of a Yellow Sun', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 11.99, 11.99, 1),
  (1023, '2024-05-24', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 1, '9781000000073', 'Americanah', 'Chimamanda Ngozi Adichie', 'Nigeria', 'Fiction', 12.99, 12.99, 1),
  (1023, '2024-05-24', 'emma.wilson@example.com', 'Emma Wilson', 'Bristol', 'BS8', 2, '9781000000080', 'Kafka on the Shore', 'Haruki Murakami', 'Japan', 'Fiction', 11.49, 10.34, 1),
  (1024, '2024-05-27', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 1, '9781000000059', 'Small Gods', 'Terry Pratchett', 'United Kingdom', 'Fantasy', 9.49, 9.49, 2),
  (1024, '2024-05-27', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 2, '9781000000028', 'The Left Hand of Darkness', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1024, '2024-05-27', 'george.hughes@example.org', 'George Hughes', 'Manchester', 'M1', 3, '9781000000035', 'The Dispossessed', 'Ursula K. Le Guin', 'United States', 'Science Fiction', 10.99, 10.99, 1),
  (1025, '2024-05-30', 'farah.khan@example.com', 'Farah Khan', 'Edinburgh', 'EH3', 1, '9781000000103', 'Designing Data-Intensive Applications', 'Martin Kleppmann', 'United Kingdom', 'Data Engineering', 45.00, 45.00, 1),
  (1025, '2024-05-30', 'farah.khan@example.com', 'Farah Khan', 'Edinburgh', 'EH3', 2, '9781000000110', 'The Data Warehouse Toolkit', 'Ralph Kimball', 'United States', 'Data Engineering', 52.00, 52.00, 1);
