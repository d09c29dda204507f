-- The auto-close window of service requests became a setting (service_setting key
-- 'service_requests'). A request keeps the close time it was given when it was fulfilled, so the
-- portal and the e-mail agree with its close job after the window changes: the row holds it.
alter table service_request add column closes_at timestamptz(3);

-- Requests already fulfilled keep the time their queued close job was scheduled for; the window
-- before this migration was 5 days, for any whose job is gone (failed, or run by hand).
update service_request r set closes_at = coalesce(
  (select max(j.run_at) from job j where j.dedupe_key = 'service_request.close:' || r.id and j.state in ('queued', 'running')),
  r.fulfilled_at + interval '5 days')
where r.fulfilled_at is not null;

alter table service_request add constraint service_request_closes_after_fulfilment
  check ((closes_at is null) = (fulfilled_at is null) and (closes_at is null or closes_at > fulfilled_at));
