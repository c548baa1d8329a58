-- purpose: the columns of one relation if it exists (empty when it does not), so `publish` can
-- summarise the layers that exist in this build.
select a.attname
from pg_attribute a
where a.attrelid = to_regclass(%(relation)s) and a.attnum > 0 and not a.attisdropped;
