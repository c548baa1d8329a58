-- Publish step 5: model runs of these models that no published prediction uses any more
-- (replaced by this write), so reruns never grow silver.model_runs.
delete from silver.model_runs r
where r.game = %(game)s and r.model_name = any(%(models)s)
  and not exists (select 1 from silver.predictions p
                  where p.game = r.game and p.model_name = r.model_name
                    and p.model_run_id = r.model_run_id)
