-- Lab 10: after the dataset and your indexes.sql, give the planner its statistics (expression indexes
-- included), as you would after a bulk load or a new index in production.
analyze;
