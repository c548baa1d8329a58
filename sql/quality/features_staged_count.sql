-- Gate features: how many feature rows are audited (one staged write, or the published rows of
-- a date range); none is an error.
select (select count(*) from staging.number_features where staging_id = %(staging_id)s)
     + (select count(*) from silver.number_features
        where %(published)s and game = %(game)s
          and draw_date between coalesce(%(date_from)s::date, '-infinity')
                            and coalesce(%(date_to)s::date, 'infinity'))
