import { Field } from '../components/Field.tsx';
import { useSession } from '../session.tsx';
import type { Team } from './types.ts';

interface TeamFieldsProps {
  /** Prefix of the two fields' ids. */
  id: string;
  teams: Team[] | undefined;
  teamId: string;
  assigneeId: string;
  onChange(teamId: string, assigneeId: string): void;
  /** The server's messages for `teamId` and `assigneeId`. */
  errors: { team?: string; assignee?: string };
  /** What choosing no team means here ("Choose a team", "No team yet"). */
  noTeam: string;
}

/** A team and, if wanted, one of its members (the signed-in user marked "you"); a new team clears the member. */
export function TeamFields({ id, teams, teamId, assigneeId, onChange, errors, noTeam }: TeamFieldsProps) {
  const { self } = useSession();
  const team = teams?.find((t) => String(t.id) === teamId);
  return (
    <div className="field-row">
      <Field id={`${id}-team`} label="Team" error={errors.team}>
        {(p) => (
          <select {...p} value={teamId} onChange={(e) => onChange(e.target.value, '')}>
            <option value="">{noTeam}</option>
            {teams?.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.openIncidents} open)
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${id}-member`} label="Member" error={errors.assignee}>
        {(p) => (
          <select {...p} value={assigneeId} onChange={(e) => onChange(teamId, e.target.value)} disabled={!team}>
            <option value="">Anyone in the team</option>
            {team?.members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
                {m.username === self?.username ? ' (you)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
