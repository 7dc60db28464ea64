import { EQ_BANDS_HZ, EQ_LIMIT_DB, type Equalizer } from "@chorus/contracts";
import { bandLabel, formatDb } from "./equalizer";

/** The ten band sliders, shared by the player's equalizer panel and the settings page. */
export function EqualizerBands({
  eq,
  compact = false,
  onBand,
}: {
  eq: Equalizer;
  /** The player panel's smaller version, without the dB scale. */
  compact?: boolean;
  onBand: (band: number, db: number) => void;
}) {
  return (
    <fieldset className={`eq${compact ? " compact" : ""}${eq.enabled ? "" : " off"}`}>
      <legend className="visually-hidden">Equalizer bands</legend>
      {compact ? null : (
        <div className="eq-scale" aria-hidden="true">
          <span>+{EQ_LIMIT_DB}</span>
          <span>0</span>
          <span>−{EQ_LIMIT_DB}</span>
        </div>
      )}
      {EQ_BANDS_HZ.map((hz, i) => {
        const db = eq.bands[i] ?? 0;
        return (
          <label key={hz} className="eq-band">
            <span className="eq-value">{formatDb(db)}</span>
            <input
              type="range"
              className="vertical"
              min={-EQ_LIMIT_DB}
              max={EQ_LIMIT_DB}
              step={1}
              value={db}
              disabled={!eq.enabled}
              aria-label={`${bandLabel(hz)}Hz`}
              aria-valuetext={`${formatDb(db)} dB`}
              onChange={(e) => onBand(i, Number(e.target.value))}
            />
            <span className="eq-hz">{bandLabel(hz)}</span>
          </label>
        );
      })}
    </fieldset>
  );
}
