import {
  CreatePlaylistInput,
  PLAYLIST_DESCRIPTION_MAX,
  PLAYLIST_NAME_MAX,
  type PlaylistDetail,
} from "@chorus/contracts";
import { type FormEvent, useId, useRef, useState } from "react";
import { Dialog } from "../../components/dialog";
import { FieldNotes, FormAlert, SubmitButton, TextField, useFocusFirstInvalid } from "../../components/form";
import { check, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";

interface Values {
  name: string;
  description: string;
  isPublic: boolean;
  collaborative: boolean;
}

/**
 * A playlist's details: a new one ("New playlist"), or an existing one's (its owner's "Edit
 * details"). Checked with the contract the server uses; the server's refusals show by their field.
 */
export function PlaylistFormDialog({
  playlist,
  onClose,
  onSaved,
}: {
  /** The playlist to edit; a new one when left out. */
  playlist?: Pick<PlaylistDetail, "id" | "name" | "description" | "isPublic" | "collaborative">;
  onClose: () => void;
  onSaved: (saved: PlaylistDetail) => void;
}) {
  const utils = trpc.useUtils();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Values>({
    name: playlist?.name ?? "",
    description: playlist?.description ?? "",
    isPublic: playlist?.isPublic ?? false,
    collaborative: playlist?.collaborative ?? false,
  });
  const [errors, setErrors] = useState(noErrors);
  const create = trpc.playlist.create.useMutation();
  const update = trpc.playlist.update.useMutation();
  const pending = create.isPending || update.isPending;
  const descriptionId = useId();
  useFocusFirstInvalid(formRef, errors);
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(CreatePlaylistInput, {
      ...values,
      description: values.description.trim() || null,
    });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    const done = {
      onSuccess: (saved: PlaylistDetail) => {
        void utils.playlist.mine.invalidate();
        void utils.playlist.public.invalidate();
        void utils.library.summary.invalidate();
        onSaved(saved);
      },
      onError: (err: unknown) => setErrors(readError(err)),
    };
    if (playlist) update.mutate({ id: playlist.id, ...checked.data }, done);
    else create.mutate(checked.data, done);
  }

  const left = PLAYLIST_DESCRIPTION_MAX - values.description.length;
  const descriptionError = errors.fields.description;
  return (
    <Dialog
      title={playlist ? "Edit details" : "New playlist"}
      onClose={onClose}
      busy={pending}
      className="playlist-dialog"
    >
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <FormAlert errors={errors} />
        <TextField
          label="Name"
          value={values.name}
          onChange={(v) => set("name", v)}
          error={errors.fields.name}
          maxLength={PLAYLIST_NAME_MAX + 20}
          placeholder="My playlist"
          autoComplete="off"
          data-testid="playlist-name"
        />
        <div className={`field${descriptionError ? " invalid" : ""}`}>
          <div className="field-label">
            <label htmlFor={descriptionId}>Description</label>
            <span className={`counter${left < 0 ? " over" : left < 100 ? " near" : ""}`} aria-live="polite">
              {left < 200 ? `${values.description.length} / ${PLAYLIST_DESCRIPTION_MAX}` : "Optional"}
            </span>
          </div>
          <textarea
            id={descriptionId}
            value={values.description}
            onChange={(e) => set("description", e.target.value)}
            rows={3}
            placeholder="What is it for? A road trip, a quiet Sunday…"
            aria-invalid={descriptionError ? true : undefined}
            aria-describedby={descriptionError ? `${descriptionId}-error` : undefined}
          />
          <FieldNotes id={descriptionId} error={descriptionError} />
        </div>
        <Toggle
          label="Public"
          description="Anyone on this server can find it, play it and save a copy."
          checked={values.isPublic}
          onChange={(v) => set("isPublic", v)}
        />
        <Toggle
          label="Collaborative"
          description="People you invite can add, remove and reorder songs."
          checked={values.collaborative}
          onChange={(v) => set("collaborative", v)}
        />
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <SubmitButton pending={pending} pendingLabel={playlist ? "Saving…" : "Creating…"}>
            {playlist ? "Save" : "Create"}
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}

export function Toggle({
  label,
  description,
  checked,
  onChange,
}: {
  label: string;
  description: string;
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
        <div className="muted small" id={`${id}-desc`}>
          {description}
        </div>
      </div>
      <div className="setting-control">
        <input
          id={id}
          type="checkbox"
          role="switch"
          className="switch"
          checked={checked}
          aria-checked={checked}
          aria-describedby={`${id}-desc`}
          onChange={(e) => onChange(e.target.checked)}
        />
      </div>
    </div>
  );
}
