import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDeskStore } from '../store/index.js';
import { sessionSelectors } from '../store/session/selectors.js';
import { usersSelectors } from '../store/users/selectors.js';

const NONE = '';
const OTHER = '__other__';

/**
 * An admin holds every station (`*`): the top bar lets them pick which one this desk syncs and
 * shows (main restarts the sync with it). The list holds the stations known to the user pool and
 * this desk; "Other…" takes any IATA code.
 */
export function AdminStationPicker() {
  const station = useDeskStore(sessionSelectors.station);
  const options = useDeskStore(useShallow(usersSelectors.stationOptions));
  const error = useDeskStore(usersSelectors.stationChoiceError);
  const { pickStation, loadStationChoice } = useDeskStore(useShallow((s) => ({ pickStation: s.pickStation, loadStationChoice: s.loadStationChoice })));
  const [typing, setTyping] = useState(false);
  const [code, setCode] = useState('');
  const id = useId();
  useEffect(() => {
    void loadStationChoice();
  }, [loadStationChoice]);

  const submitCode = () => {
    const c = code.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(c)) return;
    setTyping(false);
    setCode('');
    void pickStation(c);
  };

  return (
    <span className="station admin-station">
      <label htmlFor={id}>Station</label>{' '}
      {typing ? (
        <input
          id={id}
          data-testid="station-code"
          className="station-code"
          aria-label="Station code (IATA)"
          placeholder="IATA"
          maxLength={3}
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') submitCode();
            if (e.key === 'Escape') setTyping(false);
          }}
          onBlur={() => (code.trim() ? submitCode() : setTyping(false))}
        />
      ) : (
        <select
          id={id}
          data-testid="station-select"
          value={station ?? NONE}
          onChange={(e) => {
            if (e.target.value === OTHER) setTyping(true);
            else void pickStation(e.target.value === NONE ? null : e.target.value);
          }}
        >
          <option value={NONE}>No station selected</option>
          {options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value={OTHER}>Other…</option>
        </select>
      )}
      {error && (
        <span className="station-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
