import type { PlaylistDetail } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Avatar, displayName } from "../../components/avatar";
import { Dialog } from "../../components/dialog";
import { SubmitButton, TextField, useFocusFirstInvalid } from "../../components/form";
import { CloseIcon } from "../../components/icons";
import { toast } from "../../components/toast";
import { type FormErrors, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { usePlaylistCache } from "./use-playlist";

/**
 * The owner invites people by email (the server mails them, and turns collaboration on) and sees
 * who collaborates already, each with a button to take them off.
 */
export function InviteDialog({ playlist, onClose }: { playlist: PlaylistDetail; onClose: () => void }) {
  const utils = trpc.useUtils();
  const cache = usePlaylistCache(playlist.id);
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [removing, setRemoving] = useState<string | null>(null);
  const add = trpc.playlist.addCollaborator.useMutation();
  const remove = trpc.playlist.removeCollaborator.useMutation();
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const address = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
      setErrors({ ...noErrors, fields: { email: "Enter their email address, like ann@example.com" } });
      return;
    }
    setErrors(noErrors);
    add.mutate(
      { playlistId: playlist.id, email: address },
      {
        onSuccess: (updated) => {
          cache.patch({ collaborators: updated.collaborators, collaborative: updated.collaborative });
          void utils.playlist.mine.invalidate();
          setEmail("");
          toast(`Invited ${address}: they got an email`);
        },
        // "No one on this Chorus server uses …" is about the address: it shows under the field.
        onError: (err) => {
          const read = readError(err);
          setErrors({ ...read, fields: { email: read.fields.email ?? read.form ?? "That did not work." } });
        },
      },
    );
  }

  function takeOff(person: { id: string; name: string | null }) {
    setRemoving(person.id);
    remove.mutate(
      { playlistId: playlist.id, userId: person.id },
      {
        onSuccess: () => {
          cache.patch({ collaborators: playlist.collaborators.filter((c) => c.id !== person.id) });
          void utils.playlist.mine.invalidate();
          toast(`${displayName(person)} can no longer change this playlist`);
        },
        onError: (err) =>
          toast(`Could not remove ${displayName(person)}. ${readError(err).form ?? ""}`.trim()),
        onSettled: () => setRemoving(null),
      },
    );
  }

  return (
    <Dialog
      title="Invite collaborators"
      description={`People you invite can add, remove and reorder the songs of “${playlist.name}”.`}
      onClose={onClose}
      className="invite-dialog"
    >
      <form ref={formRef} className="invite-form" onSubmit={onSubmit} noValidate>
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          error={errors.fields.email}
          placeholder="ann@example.com"
          autoComplete="off"
          hint="They need an account on this server."
        />
        <SubmitButton pending={add.isPending} pendingLabel="Inviting…">
          Invite
        </SubmitButton>
      </form>
      <h3 className="dialog-section">Collaborators</h3>
      {playlist.collaborators.length ? (
        <ul className="people-list">
          {playlist.collaborators.map((c) => (
            <li key={c.id}>
              <Avatar user={c} size={32} />
              <span className="people-name">{displayName(c)}</span>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${displayName(c)}`}
                title="Remove"
                disabled={removing === c.id}
                onClick={() => takeOff(c)}
              >
                {removing === c.id ? (
                  <span className="spinner" aria-hidden="true" />
                ) : (
                  <CloseIcon size={16} />
                )}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No one yet: it is just you.</p>
      )}
    </Dialog>
  );
}
