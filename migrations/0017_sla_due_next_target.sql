-- sla_due_at, which the incident queue and the service request list sort by (sort=slaDueAt), was
-- the due time of the record's SLA resolution target alone: an unanswered P1 whose response falls
-- due in 15 minutes sorted by its 5-hour resolution, behind incidents due sooner. It is now the
-- earliest due instant among the record's running SLA clocks, response or resolution, as the
-- clock contract gives it (ClockSummary.nextDueAt). Each open record is set from its clocks'
-- cached due instants: a stopped clock (answered, resolved, cancelled, left by its team) does not
-- count, nor a paused one, even one breached before it paused (every SLA clock of a record pauses
-- while it waits on its customer, sla_subject.paused_since); with none running the record takes
-- 'infinity', last in the sort. Records no longer open run no clock and hold 'infinity' already.
with next_due as (
  select i.id, coalesce(min(c.due_at), 'infinity') as due_at
  from incident i
  left join sla_subject s on s.record_type = 'incident' and s.record_id = i.id and s.paused_since is null
  left join sla_clock c on c.record_type = s.record_type and c.record_id = s.record_id and c.kind = 'sla' and c.stopped_at is null
  where i.state in ('new', 'assigned', 'in_progress', 'pending_customer', 'pending_supplier')
  group by i.id
)
update incident set sla_due_at = next_due.due_at
from next_due
where incident.id = next_due.id and incident.sla_due_at <> next_due.due_at;

with next_due as (
  select r.id, coalesce(min(c.due_at), 'infinity') as due_at
  from service_request r
  left join sla_subject s on s.record_type = 'service_request' and s.record_id = r.id and s.paused_since is null
  left join sla_clock c on c.record_type = s.record_type and c.record_id = s.record_id and c.kind = 'sla' and c.stopped_at is null
  where r.state in ('submitted', 'awaiting_approval', 'approved', 'in_fulfilment')
  group by r.id
)
update service_request set sla_due_at = next_due.due_at
from next_due
where service_request.id = next_due.id and service_request.sla_due_at <> next_due.due_at;
