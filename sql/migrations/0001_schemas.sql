-- The medallion layers, the operational log and a staging area for write-audit-publish.
create schema if not exists bronze;
create schema if not exists silver;
create schema if not exists gold;
create schema if not exists ops;
create schema if not exists staging;
