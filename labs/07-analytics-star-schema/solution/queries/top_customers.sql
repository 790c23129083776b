-- The five customers with the highest net revenue; ties go to the lower customer_id.
select c.customer_id,
       c.customer_name,
       sum(f.net_amount) as net_revenue
from dw.fact_sales f
join dw.dim_customer c on c.customer_key = f.customer_key
group by c.customer_id, c.customer_name
order by net_revenue desc, c.customer_id
limit 5;
