-- Full-text search over an incident's notes from the incident row itself: one tsvector of every
-- note (what the desk and the supplier search) and one of the customer-visible notes (what the
-- customer searches). A search is then one indexed condition on one table, with the queue's
-- filters and keyset order applied in the same scan, instead of a union of every matching note.
alter table incident
  add column notes_search tsvector not null default ''::tsvector,
  add column public_notes_search tsvector not null default ''::tsvector;

update incident i set
  notes_search = coalesce((select to_tsvector('english', string_agg(n.body, ' ' order by n.id)) from incident_note n where n.incident_id = i.id), ''::tsvector),
  public_notes_search = coalesce((select to_tsvector('english', string_agg(n.body, ' ' order by n.id)) from incident_note n where n.incident_id = i.id and n.customer_visible), ''::tsvector)
where exists (select 1 from incident_note n where n.incident_id = i.id);

create index incident_notes_search_idx on incident using gin (notes_search);
create index incident_public_notes_search_idx on incident using gin (public_notes_search);
