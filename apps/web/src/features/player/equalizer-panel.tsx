import type { Equalizer } from "@chorus/contracts";
import { useId, useState } from "react";
import { Link, useLocation } from "react-router";
import { withNext } from "../auth/gates";
import {
  EQ_PRESETS,
  type EqualizerControl,
  presetFor,
  useEqualizer,
  withBand,
  withPreset,
} from "./equalizer";
import { EqualizerBands } from "./equalizer-bands";
import { PanelFrame } from "./queue-panel";

export function EqualizerPanel() {
  const control = useEqualizer();
  return (
    <PanelFrame title="Equalizer" className="eq-panel">
      {control.loading ? (
        <p className="muted panel-note">Loading your equalizer…</p>
      ) : (
        <EqualizerControls control={control} />
      )}
    </PanelFrame>
  );
}

function EqualizerControls({ control }: { control: EqualizerControl }) {
  // A copy of its own: controlled sliders must see each change in the same render, or a held-down
  // arrow key loses steps (the shared cache tells its readers a moment later).
  const [eq, setLocal] = useState(control.eq);
  const [seen, setSeen] = useState(control.eq);
  if (control.eq !== seen) {
    setSeen(control.eq);
    setLocal(control.eq);
  }
  const set = (change: (current: Equalizer) => Equalizer) => {
    const next = change(eq);
    setLocal(next);
    control.set(next);
  };
  const switchId = useId();
  const presetId = useId();
  const preset = presetFor(eq.bands);
  return (
    <div className="eq-controls">
      <div className="eq-row">
        <label htmlFor={switchId} className="setting-label">
          Use the equalizer
        </label>
        <input
          id={switchId}
          type="checkbox"
          role="switch"
          className="switch"
          checked={eq.enabled}
          aria-checked={eq.enabled}
          onChange={(e) => {
            const enabled = e.target.checked;
            set((current) => ({ ...current, enabled }));
          }}
        />
      </div>
      <div className="eq-row">
        <label htmlFor={presetId} className="setting-label">
          Preset
        </label>
        <div className="preset-row">
          <select
            id={presetId}
            value={preset ?? "custom"}
            disabled={!eq.enabled}
            onChange={(e) => {
              const preset = e.target.value;
              set((current) => withPreset(current, preset));
            }}
          >
            {Object.entries(EQ_PRESETS).map(([key, p]) => (
              <option key={key} value={key}>
                {p.label}
              </option>
            ))}
            {preset ? null : <option value="custom">Custom</option>}
          </select>
        </div>
      </div>
      <EqualizerBands eq={eq} compact onBand={(i, db) => set((current) => withBand(current, i, db))} />
      <div className="eq-foot">
        <button
          type="button"
          className="ghost small"
          disabled={!eq.enabled || preset === "flat"}
          onClick={() => set((current) => withPreset(current, "flat"))}
        >
          Reset
        </button>
        <SaveNote control={control} />
      </div>
    </div>
  );
}

function SaveNote({ control }: { control: EqualizerControl }) {
  const { pathname } = useLocation();
  if (!control.account) {
    return (
      <span className="muted small" data-testid="eq-status">
        Saved on this device. <Link to={withNext("/login", pathname)}>Log in</Link> to keep it everywhere.
      </span>
    );
  }
  const text = {
    idle: "Saved to your account",
    saving: "Saving…",
    saved: "✓ Saved to your account",
    error: "Not saved.",
  }[control.status];
  return (
    <span
      className={`small eq-status${control.status === "error" ? " error-text" : " muted"}`}
      role="status"
      data-testid="eq-status"
    >
      {text}
      {control.status === "error" ? (
        <>
          {" "}
          <button type="button" className="link-button" onClick={control.retry}>
            Try again
          </button>
        </>
      ) : null}
    </span>
  );
}
