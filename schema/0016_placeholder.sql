-- 0016_placeholder.sql — PLACEHOLDER, NOT FOR MERGE: stands in for the
-- scalescreens branch's 0016 so that this branch's 0017 builds and tests
-- alone (the migrations must be numbered without gaps). Drop this file
-- when merging after scalescreens' 0016.
SELECT 1;
