import { AVATAR_MAX_BYTES, AVATAR_TYPES, BIO_MAX, type Me, UpdateProfileInput } from "@chorus/contracts";
import { type DragEvent, type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Avatar, displayName } from "../../components/avatar";
import {
  AlertIcon,
  FieldNotes,
  FormAlert,
  SubmitButton,
  TextField,
  useFocusFirstInvalid,
} from "../../components/form";
import { authFetch, setUser, useUser } from "../../lib/auth";
import { check, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { useSavedFlag } from "./use-saved-flag";

export function ProfilePage() {
  const user = useUser();
  // RequireAuth renders this only when signed in.
  if (!user) return null;
  return (
    <section className="page narrow-page">
      <header className="page-header">
        <h1>Profile</h1>
        <p className="muted">How you appear in Chorus.</p>
      </header>
      <AvatarCard user={user} />
      <ProfileForm user={user} />
    </section>
  );
}

const typeNames = "JPEG, PNG, WebP or GIF";
const maxMb = AVATAR_MAX_BYTES / (1024 * 1024);

/** What is wrong with a file before it is sent (the server checks the content again). */
export function avatarProblem(file: File): string | null {
  if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) {
    return `That file is not a picture Chorus can use. Choose a ${typeNames} image.`;
  }
  if (file.size === 0) return "That file is empty. Choose another picture.";
  if (file.size > AVATAR_MAX_BYTES) {
    return `That picture is ${(file.size / (1024 * 1024)).toFixed(1)} MB; the limit is ${maxMb} MB.`;
  }
  return null;
}

function AvatarCard({ user }: { user: Me }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<"upload" | "remove" | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const errorId = useId();

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  async function upload(file: File) {
    const problem = avatarProblem(file);
    setError(problem);
    if (problem) return;
    setPreview(URL.createObjectURL(file));
    setBusy("upload");
    try {
      const body = new FormData();
      body.append("file", file);
      const res = await authFetch("/media/avatar", { method: "POST", body });
      const json = (await res.json().catch(() => null)) as {
        avatarUrl?: string | null;
        message?: string;
      } | null;
      if (!res.ok || json?.avatarUrl === undefined) {
        setError(json?.message ?? `The upload failed (${res.status}). Try again.`);
      } else {
        setUser({ ...user, avatarUrl: json.avatarUrl });
      }
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(null);
      setPreview(null);
      if (inputRef.current) inputRef.current.value = "";
    }
  }

  async function remove() {
    setError(null);
    setBusy("remove");
    try {
      const res = await authFetch("/media/avatar", { method: "DELETE" });
      const json = (await res.json().catch(() => null)) as { message?: string } | null;
      if (!res.ok) setError(json?.message ?? `Removing the picture failed (${res.status}).`);
      else setUser({ ...user, avatarUrl: null });
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(null);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void upload(file);
  }

  const shown = preview ? { ...user, avatarUrl: preview } : user;
  return (
    <div className="card profile-card">
      <label
        htmlFor="avatar-file"
        title="Drop a picture here, or click to choose one"
        className={`avatar-drop${dragging ? " dragging" : ""}${busy ? " busy" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="profile-avatar"
      >
        <Avatar user={shown} size={112} />
        {busy ? (
          <span className="avatar-busy">
            <span className="spinner" aria-hidden="true" />
          </span>
        ) : null}
      </label>
      <div className="profile-identity">
        <div className="profile-name">{displayName(user)}</div>
        <div className="muted">{user.email}</div>
        <div className="muted small">
          Member since {user.createdAt.toLocaleDateString(undefined, { month: "long", year: "numeric" })}
        </div>
        <div className="avatar-actions">
          <input
            ref={inputRef}
            type="file"
            accept={AVATAR_TYPES.join(",")}
            className="visually-hidden"
            id="avatar-file"
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void upload(file);
            }}
          />
          <label
            htmlFor="avatar-file"
            className={`button small${busy ? " disabled" : ""}`}
            aria-disabled={!!busy}
          >
            {busy === "upload" ? "Uploading…" : user.avatarUrl ? "Change photo" : "Upload photo"}
          </label>
          {user.avatarUrl ? (
            <button type="button" className="small ghost" onClick={() => void remove()} disabled={!!busy}>
              {busy === "remove" ? "Removing…" : "Remove"}
            </button>
          ) : null}
        </div>
        {error ? (
          <p className="field-error" id={errorId} role="alert">
            <AlertIcon />
            {error}
          </p>
        ) : (
          <p className="field-hint">
            {typeNames}, up to {maxMb} MB. Drop a picture on the avatar or pick one.
          </p>
        )}
      </div>
    </div>
  );
}

function ProfileForm({ user }: { user: Me }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState(user.name ?? "");
  const [bio, setBio] = useState(user.bio ?? "");
  const [errors, setErrors] = useState(noErrors);
  const [saved, flashSaved] = useSavedFlag();
  const update = trpc.user.updateProfile.useMutation();
  const bioId = useId();
  useFocusFirstInvalid(formRef, errors);

  const dirty = name.trim() !== (user.name ?? "") || bio.trim() !== (user.bio ?? "");

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(UpdateProfileInput, { name: name.trim() || null, bio: bio.trim() || null });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    update.mutate(checked.data, {
      onSuccess: (me) => {
        setUser(me);
        setName(me.name ?? "");
        setBio(me.bio ?? "");
        flashSaved();
      },
      onError: (err) => setErrors(readError(err)),
    });
  }

  const bioLeft = BIO_MAX - bio.length;
  const bioError = errors.fields.bio ?? (bioLeft < 0 ? `${-bioLeft} characters over the limit` : undefined);
  return (
    <form ref={formRef} className="card form" onSubmit={onSubmit} noValidate>
      <h2>About you</h2>
      <FormAlert errors={errors} />
      <TextField
        label="Display name"
        value={name}
        onChange={setName}
        error={errors.fields.name}
        autoComplete="name"
        maxLength={100}
        placeholder={user.email.split("@")[0]}
        hint="Leave empty to go by the first part of your email."
      />
      <div className={`field${bioError ? " invalid" : ""}`}>
        <div className="field-label">
          <label htmlFor={bioId}>Bio</label>
          <span
            className={`counter${bioLeft < 0 ? " over" : bioLeft < 50 ? " near" : ""}`}
            aria-live="polite"
            data-testid="bio-counter"
          >
            {bio.length} / {BIO_MAX}
          </span>
        </div>
        <textarea
          id={bioId}
          value={bio}
          onChange={(e) => setBio(e.target.value)}
          rows={5}
          placeholder="A few words about you and what you listen to"
          aria-invalid={bioError ? true : undefined}
          aria-describedby={bioError ? `${bioId}-error` : undefined}
        />
        <FieldNotes id={bioId} error={bioError} />
      </div>
      <div className="form-actions">
        <SubmitButton pending={update.isPending} pendingLabel="Saving…" disabled={!dirty || bioLeft < 0}>
          Save profile
        </SubmitButton>
        {saved ? (
          <span className="saved" role="status">
            ✓ Saved
          </span>
        ) : null}
      </div>
    </form>
  );
}
