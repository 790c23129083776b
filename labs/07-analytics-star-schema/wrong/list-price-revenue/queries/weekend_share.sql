-- Share of net revenue earned on Saturdays and Sundays, rounded to 4 decimal places.
select round(sum(f.net_amount) filter (where d.is_weekend) / sum(f.net_amount), 4) as weekend_share
from dw.fact_sales f
join dw.dim_date d on d.date_key = f.date_key;
