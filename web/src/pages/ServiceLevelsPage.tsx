import { useState } from 'react';
import { type Page } from '../api.ts';
import { ProblemMessage } from '../components/ProblemMessage.tsx';
import { usePageTitle, useResource } from '../hooks.ts';
import { useSession } from '../session.tsx';
import { CalendarCard } from '../service-levels/CalendarCard.tsx';
import { CalendarForm } from '../service-levels/CalendarForm.tsx';
import { ComplianceSection } from '../service-levels/ComplianceSection.tsx';
import { DefinitionCard } from '../service-levels/DefinitionCard.tsx';
import { DefinitionForm } from '../service-levels/DefinitionForm.tsx';
import type { HistoryControl } from '../service-levels/History.tsx';
import { IncidentPriorities } from '../service-levels/IncidentPriorities.tsx';
import type { Calendar, Definition } from '../service-levels/types.ts';
import '../availability/availability.css';
import '../service-levels/service-levels.css';

/**
 * Service level management (ISO/IEC 20000-1 8.3.3) for the desk: how many targets were met and
 * breached in a period; the SLA, OLA and underpinning definitions with their targets; and the
 * business calendars the clocks count in, each with its history for the auditor. Those who may
 * write the service levels (service managers, administrators) create and change definitions and
 * calendars here; everyone else reads them.
 */
export function ServiceLevelsPage() {
  const heading = usePageTitle('Service levels');
  const { can, self } = useSession();
  const editable = can('service_levels:write');
  const definitions = useResource<Page<Definition>>('/sla-definitions', { limit: 200 });
  const calendars = useResource<Page<Calendar>>('/business-calendars', { limit: 200 });
  const calendarNames = calendars.data?.items.map((c) => c.name) ?? [];
  const [adding, setAdding] = useState<'definition' | 'calendar' | null>(null);
  // One history open at a time; journals are the desk's and the auditor's, not a customer's.
  const [openHistory, setOpenHistory] = useState<string | null>(null);
  const history: HistoryControl = { shown: self?.scope === 'network' && can('journal:read'), open: openHistory, toggle: (path) => setOpenHistory((open) => (open === path ? null : path)) };

  return (
    <>
      <p className="caption">ISO/IEC 20000-1:2018 clause 8.3.3 · Service level management</p>
      <h1 ref={heading} tabIndex={-1}>
        Service levels
      </h1>
      <p className="lead">
        What is promised to customers (SLAs), by internal teams (OLAs) and by suppliers (underpinning contracts), and how often it was kept. A target counts as met or
        breached in the period its outcome was decided; cancelled records count as neither.
      </p>

      <ComplianceSection />

      <IncidentPriorities editable={editable} history={history} />

      <section aria-labelledby="definitions-heading">
        <h2 id="definitions-heading">Definitions</h2>
        {editable && adding !== 'definition' && (
          <button type="button" className="button" onClick={() => setAdding('definition')}>
            New definition
          </button>
        )}
        {editable && adding === 'definition' && (
          <DefinitionForm
            calendars={calendarNames}
            onCancel={() => setAdding(null)}
            onCreated={() => {
              setAdding(null);
              definitions.reload();
            }}
          />
        )}
        {definitions.error && <ProblemMessage error={definitions.error} />}
        {definitions.data && definitions.data.items.length === 0 && <p>There are no service level definitions you may see.</p>}
        {definitions.data?.items.map((d) => (
          <DefinitionCard key={`${d.code}-${d.version}`} definition={d} editable={editable} calendars={calendarNames} history={history} onSaved={definitions.reload} />
        ))}
      </section>

      <section aria-labelledby="calendars-heading">
        <h2 id="calendars-heading">Business calendars</h2>
        {calendars.error && (calendars.error.status === 403 ? <p>Business calendars are the service desk&rsquo;s configuration; each clock names the calendar it counts in.</p> : <ProblemMessage error={calendars.error} />)}
        {editable && calendars.data && adding !== 'calendar' && (
          <button type="button" className="button" onClick={() => setAdding('calendar')}>
            New calendar
          </button>
        )}
        {editable && adding === 'calendar' && (
          <div className="panel">
            <CalendarForm
              calendar={null}
              onCancel={() => setAdding(null)}
              onSaved={() => {
                setAdding(null);
                calendars.reload();
              }}
            />
          </div>
        )}
        {calendars.data?.items.map((cal) => (
          <CalendarCard key={`${cal.name}-${cal.version}`} calendar={cal} editable={editable} history={history} onSaved={calendars.reload} />
        ))}
      </section>
    </>
  );
}
