-- Publish step 5: model runs of these models that no published prediction uses any more
-- (replaced by this write), so reruns never grow silver.model_runs. NOT IN over the game's
-- run ids is one hashed lookup per run (model_run_id is never null in silver.predictions).
delete from silver.model_runs r
where r.game = %(game)s and r.model_name = any(%(models)s)
  and r.model_run_id not in (select p.model_run_id from silver.predictions p
                             where p.game = %(game)s)
