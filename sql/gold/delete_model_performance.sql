-- First half of publishing a game's performance (then insert_model_performance.sql).
delete from gold.model_performance where game = %(game)s
