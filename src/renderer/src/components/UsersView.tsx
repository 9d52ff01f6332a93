import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AdminRoleSchema, type AdminRole, type AdminUser } from '../../../shared/policy/admin-contract.js';
import { useDeskStore } from '../store/index.js';
import { usersSelectors } from '../store/users/selectors.js';
import '../admin.css';

const STATIONS = /^([A-Z]{3}|\*)$/;
const parseStations = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);

/** Admin console: the user pool's users, their role and stations (Cognito, through the admin API). */
export function UsersView() {
  const users = useDeskStore(usersSelectors.users);
  const { loading, error, result } = useDeskStore(useShallow(usersSelectors.status));
  const loadUsers = useDeskStore((s) => s.loadUsers);
  useEffect(() => {
    if (users === null) void loadUsers();
  }, [users, loadUsers]);
  return (
    <section className="pane admin-users" aria-label="Users" data-testid="users-view">
      <h2>
        Users{' '}
        <button className="link" onClick={() => void loadUsers()} disabled={loading}>
          {loading ? 'Loading…' : 'Reload'}
        </button>
      </h2>
      <p className="muted pad">Role and stations come from the user pool; a change applies at the user’s next sign-in. “*” = every station.</p>
      {error && (
        <p className="error pad" role="alert" data-testid="users-error">
          Could not load the users: {error}
        </p>
      )}
      {users === null && loading && <p className="muted pad">Loading users…</p>}
      {users !== null && users.length === 0 && <p className="empty">No users in the pool.</p>}
      {result && (
        <p className={`pad ${result.ok ? 'ok' : 'error'}`} role="status" data-testid="user-result">
          {result.message}
        </p>
      )}
      {users && users.length > 0 && (
        <table className="admin-table users-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Stations</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Save</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRow key={u.username} u={u} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function UserRow({ u }: { u: AdminUser }) {
  const saving = useDeskStore((s) => s.userSaving === u.username);
  const updateUser = useDeskStore((s) => s.updateUser);
  const [role, setRole] = useState<AdminRole | ''>(u.role ?? '');
  const [stations, setStations] = useState(u.stations.join(', '));
  const ids = { role: useId(), stations: useId(), err: useId() };
  const list = parseStations(stations);
  const bad = list.length === 0 ? 'at least one station' : list.find((s) => !STATIONS.test(s)) ? `not a station code: ${list.find((s) => !STATIONS.test(s))}` : null;
  const changed = role !== (u.role ?? '') || list.join(',') !== u.stations.join(',');
  return (
    <tr data-testid="user-row" data-username={u.username}>
      <th scope="row">
        {u.username}
        {u.email && <span className="muted small"> {u.email}</span>}
      </th>
      <td>
        <label htmlFor={ids.role} className="sr-only">
          Role of {u.username}
        </label>
        <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as AdminRole)} data-testid="user-role">
          {role === '' && <option value="">(none)</option>}
          {AdminRoleSchema.options.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>
        <label htmlFor={ids.stations} className="sr-only">
          Stations of {u.username}
        </label>
        <input id={ids.stations} value={stations} onChange={(e) => setStations(e.target.value)} aria-invalid={bad ? true : undefined} aria-describedby={bad ? ids.err : undefined} data-testid="user-stations" />
        {bad && (
          <span className="field-error" id={ids.err}>
            {bad}
          </span>
        )}
      </td>
      <td className="muted">
        {u.enabled ? 'enabled' : 'disabled'}
        {u.status ? ` · ${u.status.toLowerCase()}` : ''}
      </td>
      <td>
        <button disabled={!changed || bad !== null || role === '' || saving} onClick={() => role !== '' && void updateUser(u.username, role, list)} data-testid="user-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
      </td>
    </tr>
  );
}
