import { CROSSFADE_MAX_SECONDS, type Settings, UpdateSettingsInput } from "@chorus/contracts";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { FieldNotes, FormAlert, SubmitButton, useFocusFirstInvalid } from "../../components/form";
import { check, noErrors, readError } from "../../lib/errors";
import { applyTheme } from "../../lib/theme";
import { trpc } from "../../lib/trpc";
import { EQ_PRESETS, equalizerPreview, withBand } from "../player/equalizer";
import { EqualizerBands } from "../player/equalizer-bands";
import { useSavedFlag } from "./use-saved-flag";

const themes = [
  { value: "dark", label: "Dark" },
  { value: "light", label: "Light" },
  { value: "system", label: "Match device" },
] as const;

const qualities = [
  { value: "low", label: "Low", detail: "96 kbps · saves data" },
  { value: "normal", label: "Normal", detail: "160 kbps" },
  { value: "high", label: "High", detail: "320 kbps" },
  { value: "lossless", label: "Lossless", detail: "FLAC · as recorded" },
] as const;

const languages: [code: string, name: string][] = [
  ["en", "English"],
  ["de", "Deutsch"],
  ["es", "Español"],
  ["fr", "Français"],
  ["it", "Italiano"],
  ["nl", "Nederlands"],
  ["pl", "Polski"],
  ["pt-BR", "Português (Brasil)"],
  ["pt", "Português (Portugal)"],
  ["sv", "Svenska"],
  ["tr", "Türkçe"],
  ["ja", "日本語"],
  ["ko", "한국어"],
  ["zh", "中文"],
];

/** Only what changed goes to the server (updateSettings takes a partial). */
function changes(saved: Settings, draft: Settings): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(draft) as (keyof Settings)[]) {
    if (JSON.stringify(draft[key]) !== JSON.stringify(saved[key])) out[key] = draft[key];
  }
  return out as Partial<Settings>;
}

export function PreferencesForm({ saved }: { saved: Settings }) {
  const utils = trpc.useUtils();
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState(saved);
  const [errors, setErrors] = useState(noErrors);
  const [justSaved, flashSaved] = useSavedFlag();
  const update = trpc.user.updateSettings.useMutation();
  useFocusFirstInvalid(formRef, errors);

  const diff = changes(saved, draft);
  const dirty = Object.keys(diff).length > 0;

  // The theme previews as it is picked; leaving without saving puts the saved one back.
  useEffect(() => applyTheme(draft.theme, { remember: false }), [draft.theme]);
  const savedTheme = useRef(saved.theme);
  savedTheme.current = saved.theme;
  useEffect(() => () => applyTheme(savedTheme.current), []);

  // So does the equalizer, in what is playing: the player hears the draft until it is saved or left.
  const eqDirty = JSON.stringify(draft.equalizer) !== JSON.stringify(saved.equalizer);
  useEffect(() => equalizerPreview.set(eqDirty ? draft.equalizer : null), [eqDirty, draft.equalizer]);
  useEffect(() => () => equalizerPreview.set(null), []);

  // The saved settings can change while this screen is open (the player's equalizer panel saves on
  // its own): settings not touched here follow them, and edits in progress stay.
  const [base, setBase] = useState(saved);
  if (base !== saved) {
    setBase(saved);
    setDraft((d) => {
      const next = { ...d };
      for (const key of Object.keys(saved) as (keyof Settings)[]) {
        if (JSON.stringify(d[key]) === JSON.stringify(base[key])) Object.assign(next, { [key]: saved[key] });
      }
      return next;
    });
  }

  function set<K extends keyof Settings>(key: K, value: Settings[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
    if (errors.fields[key]) setErrors((e) => ({ ...e, fields: { ...e.fields, [key]: "" } }));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(UpdateSettingsInput, diff);
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    update.mutate(checked.data, {
      onSuccess: (next) => {
        utils.user.settings.setData(undefined, next);
        setDraft(next);
        applyTheme(next.theme);
        flashSaved();
      },
      onError: (err) => setErrors(readError(err)),
    });
  }

  const eq = draft.equalizer;
  const presetKey = Object.entries(EQ_PRESETS).find(([, p]) =>
    p.bands.every((b, i) => b === eq.bands[i]),
  )?.[0];

  return (
    <form ref={formRef} className="settings-form" onSubmit={onSubmit} noValidate aria-label="Preferences">
      <FormAlert errors={errors} />

      <fieldset className="card settings-section">
        <legend>Appearance</legend>
        <Setting label="Theme" error={errors.fields.theme} group>
          {(id, labelId) => (
            <Segmented
              id={id}
              labelledBy={labelId}
              name="theme"
              options={themes}
              value={draft.theme}
              onChange={(v) => set("theme", v)}
            />
          )}
        </Setting>
        <Setting label="Language" description="For menus and messages." error={errors.fields.language}>
          {(id) => (
            <select id={id} value={draft.language} onChange={(e) => set("language", e.target.value)}>
              {languages.some(([code]) => code === draft.language) ? null : (
                <option value={draft.language}>{draft.language}</option>
              )}
              {languages.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Setting>
      </fieldset>

      <fieldset className="card settings-section">
        <legend>Playback</legend>
        <Setting
          label="Audio quality"
          description="Higher uses more data."
          error={errors.fields.audioQuality}
          stacked
          group
        >
          {(id, labelId) => (
            <div className="choice-grid" role="radiogroup" id={id} aria-labelledby={labelId}>
              {qualities.map((q) => (
                <label key={q.value} className={`choice${draft.audioQuality === q.value ? " selected" : ""}`}>
                  <input
                    type="radio"
                    name="audioQuality"
                    value={q.value}
                    checked={draft.audioQuality === q.value}
                    onChange={() => set("audioQuality", q.value)}
                  />
                  <span className="choice-label">{q.label}</span>
                  <span className="choice-detail">{q.detail}</span>
                </label>
              ))}
            </div>
          )}
        </Setting>
        <Setting
          label="Crossfade"
          description="Blend the end of a song into the next."
          error={errors.fields.crossfadeSeconds}
          stacked
        >
          {(id) => (
            <div className="slider-row">
              <input
                id={id}
                type="range"
                min={0}
                max={CROSSFADE_MAX_SECONDS}
                step={1}
                value={draft.crossfadeSeconds}
                aria-valuetext={draft.crossfadeSeconds === 0 ? "Off" : `${draft.crossfadeSeconds} seconds`}
                onChange={(e) => set("crossfadeSeconds", Number(e.target.value))}
              />
              <output htmlFor={id} className="slider-value" data-testid="crossfade-value">
                {draft.crossfadeSeconds === 0 ? "Off" : `${draft.crossfadeSeconds} s`}
              </output>
            </div>
          )}
        </Setting>
        <Toggle
          label="Autoplay"
          description="Keep playing similar music when what you picked ends."
          checked={draft.autoplay}
          onChange={(v) => set("autoplay", v)}
        />
      </fieldset>

      <fieldset className="card settings-section">
        <legend>Equalizer</legend>
        <Toggle
          label="Use the equalizer"
          description="Shape the sound for your headphones or speakers."
          checked={eq.enabled}
          onChange={(v) => set("equalizer", { ...eq, enabled: v })}
        />
        <Setting label="Preset" error={errors.fields.equalizer}>
          {(id) => (
            <div className="preset-row">
              <select
                id={id}
                value={presetKey ?? "custom"}
                disabled={!eq.enabled}
                onChange={(e) => {
                  const p = EQ_PRESETS[e.target.value];
                  if (p) set("equalizer", { ...eq, preset: e.target.value, bands: [...p.bands] });
                }}
              >
                {Object.entries(EQ_PRESETS).map(([key, p]) => (
                  <option key={key} value={key}>
                    {p.label}
                  </option>
                ))}
                {presetKey ? null : <option value="custom">Custom</option>}
              </select>
              <button
                type="button"
                className="small ghost"
                disabled={!eq.enabled || presetKey === "flat"}
                onClick={() =>
                  set("equalizer", { ...eq, preset: "flat", bands: [...EQ_PRESETS.flat!.bands] })
                }
              >
                Reset
              </button>
            </div>
          )}
        </Setting>
        <EqualizerBands eq={eq} onBand={(i, db) => set("equalizer", withBand(eq, i, db))} />
      </fieldset>

      <fieldset className="card settings-section">
        <legend>Privacy and notifications</legend>
        <Toggle
          label="Private session"
          description="Listen without it showing in your history or to friends."
          checked={draft.privateSession}
          onChange={(v) => set("privateSession", v)}
        />
        <Toggle
          label="Email notifications"
          description="New releases from artists you follow, and account news."
          checked={draft.notifications.email}
          onChange={(v) => set("notifications", { ...draft.notifications, email: v })}
        />
        <Toggle
          label="Push notifications"
          description="On this device and your others, when they allow it."
          checked={draft.notifications.push}
          onChange={(v) => set("notifications", { ...draft.notifications, push: v })}
        />
        {errors.fields.notifications ? (
          <FieldNotes id="notifications" error={errors.fields.notifications} />
        ) : null}
      </fieldset>

      <div className={`save-bar${dirty ? " dirty" : justSaved ? " just-saved" : ""}`}>
        <span className="save-state" role="status">
          {justSaved && !dirty
            ? "✓ Settings saved"
            : dirty
              ? "You have unsaved changes"
              : "All changes saved"}
        </span>
        <button
          type="button"
          className="ghost"
          disabled={!dirty || update.isPending}
          onClick={() => setDraft(saved)}
        >
          Discard
        </button>
        <SubmitButton pending={update.isPending} pendingLabel="Saving…" disabled={!dirty}>
          Save settings
        </SubmitButton>
      </div>
    </form>
  );
}

/** A labelled setting. A group of radios (`group`) is named by aria-labelledby, not a <label>. */
function Setting({
  label,
  description,
  error,
  stacked,
  group,
  children,
}: {
  label: string;
  description?: string;
  error?: string | undefined;
  stacked?: boolean;
  group?: boolean;
  children: (id: string, labelId: string) => ReactNode;
}) {
  const id = useId();
  const labelId = `${id}-label`;
  return (
    <div className={`setting${stacked ? " stacked" : ""}${error ? " invalid" : ""}`}>
      <div className="setting-text">
        {group ? (
          <span id={labelId} className="setting-label">
            {label}
          </span>
        ) : (
          <label id={labelId} htmlFor={id} className="setting-label">
            {label}
          </label>
        )}
        {description ? <div className="muted small">{description}</div> : null}
        <FieldNotes id={id} error={error || undefined} />
      </div>
      <div className="setting-control">{children(id, labelId)}</div>
    </div>
  );
}

function Toggle({
  label,
  description,
  checked,
  onChange,
}: {
  label: string;
  description?: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="setting toggle">
      <div className="setting-text">
        <label htmlFor={id} className="setting-label">
          {label}
        </label>
        {description ? (
          <div className="muted small" id={`${id}-desc`}>
            {description}
          </div>
        ) : null}
      </div>
      <div className="setting-control">
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="switch"
          checked={checked}
          aria-checked={checked}
          aria-describedby={description ? `${id}-desc` : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
      </div>
    </div>
  );
}

function Segmented<T extends string>({
  id,
  labelledBy,
  name,
  options,
  value,
  onChange,
}: {
  id: string;
  labelledBy: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" id={id} aria-labelledby={labelledBy}>
      {options.map((o) => (
        <label key={o.value} className={value === o.value ? "selected" : undefined}>
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </div>
  );
}
