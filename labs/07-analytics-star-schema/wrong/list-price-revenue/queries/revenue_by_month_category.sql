-- Net revenue (after discounts, without shipping) by month and top-level category.
select to_char(d.full_date, 'YYYY-MM') as month,
       c.top_category_name            as top_category,
       sum(f.net_amount)              as net_revenue
from dw.fact_sales f
join dw.dim_date     d on d.date_key     = f.date_key
join dw.dim_product  p on p.product_key  = f.product_key
join dw.dim_category c on c.category_key = p.category_key
group by 1, 2
order by month, top_category;
