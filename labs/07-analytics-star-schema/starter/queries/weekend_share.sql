-- The share of net revenue earned on Saturdays and Sundays.
-- One row, one column: weekend_share (numeric, rounded to 4 decimal places), for example 0.3141.
-- Read only from schema dw.

-- TODO: replace this placeholder with your query.
select null::numeric as weekend_share
where false;
