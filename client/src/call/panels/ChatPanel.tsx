// The call's chat: messages to everyone or privately to one person, and
// files (attach or drop). Everything shown here is end-to-end encrypted and
// lives only in this page for as long as we are in the call. Links stay text:
// nothing here is ever fetched or previewed (a preview would be a request to
// a third party). Times are the reader's local time.
import { Download, File as FileIcon, Lock, Paperclip, Send, X } from 'lucide-react';
import { useEffect, useId, useRef, useState, useSyncExternalStore, type DragEvent, type FormEvent } from 'react';
import type { ChatRecipient } from '@parley/shared';
import { Button } from '../../ui/Button.js';
import { Dialog } from '../../ui/Dialog.js';
import type { CallChat, ChatEntry, ChatFile } from '../../chat/CallChat.js';
import type { CallView } from '../CallSession.js';
import styles from './ChatPanel.module.css';

type Props = { chat: CallChat; view: CallView; open: boolean; onOpenChange: (open: boolean) => void };

export function useChatEntries(chat: CallChat | undefined): { entries: readonly ChatEntry[]; unread: number } {
  const entries = useSyncExternalStore(
    (listener) => chat?.subscribe(listener) ?? (() => undefined),
    () => chat?.entries ?? none,
  );
  const unread = useSyncExternalStore(
    (listener) => chat?.subscribe(listener) ?? (() => undefined),
    () => chat?.unread ?? 0,
  );
  return { entries, unread };
}
const none: readonly ChatEntry[] = [];

export function ChatPanel({ chat, view, open, onOpenChange }: Props) {
  const { entries, unread } = useChatEntries(chat);
  const [to, setTo] = useState<ChatRecipient>('*');
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { to: useId(), text: useId(), note: useId() };
  useEffect(() => {
    if (open && unread > 0) chat.markRead();
  }, [open, unread, chat]);
  const names = new Map(view.participants.map((p) => [p.peerId, p.displayName]));
  const nameOf = (peerId: string) => (peerId === chat.self ? 'You' : (names.get(peerId) ?? 'Someone who left'));
  // Someone we write to privately left: back to everyone.
  const recipient = to === '*' || names.has(to) ? to : '*';

  const fail = (error: unknown) => setProblem(error instanceof Error ? error.message : 'That could not be sent.');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setProblem(undefined);
    chat.sendText(recipient, text).then(() => setText(''), fail);
  };
  const sendFiles = (files: FileList | null) => {
    setProblem(undefined);
    for (const file of Array.from(files ?? [])) chat.sendFile(recipient, file).catch(fail);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    sendFiles(event.dataTransfer.files);
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Chat" kind="sheet" tone="stage">
      <div
        className={`${styles.panel} ${dragging ? styles.dragging : ''}`}
        onDragOver={(event) => (event.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className={styles.note} id={ids.note}>
          <Lock aria-hidden="true" size={14} /> End-to-end encrypted. You see the chat from when you joined; it is gone
          from this page when you leave, and the server keeps none of it.
        </p>
        <ol className={styles.messages} aria-label="Messages" aria-live="polite">
          {entries.length === 0 && <li className={styles.empty}>No messages yet.</li>}
          {entries.map((entry) => (
            <li key={entry.key} className={`${styles.message} ${entry.mine ? styles.mine : ''}`}>
              <p className={styles.meta}>
                <span className={styles.sender}>{nameOf(entry.from)}</span>
                {entry.to !== '*' && (
                  <span className={styles.private}>
                    {entry.mine ? `privately to ${nameOf(entry.to)}` : 'privately to you'}
                  </span>
                )}
                <time dateTime={new Date(entry.at).toISOString()}>
                  {new Date(entry.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                </time>
              </p>
              {entry.kind === 'text' ? (
                <p className={styles.text}>{entry.text}</p>
              ) : (
                <FileCard file={entry} chat={chat} />
              )}
            </li>
          ))}
        </ol>
        <form className={styles.composer} onSubmit={submit} aria-describedby={ids.note}>
          <div className={styles.row}>
            <label htmlFor={ids.to} className={styles.label}>
              To
            </label>
            <select id={ids.to} className={styles.select} value={recipient} onChange={(e) => setTo(e.target.value)}>
              <option value="*">Everyone</option>
              {view.participants.map((p) => (
                <option key={p.peerId} value={p.peerId}>
                  {p.displayName} (privately)
                </option>
              ))}
            </select>
          </div>
          <div className={styles.row}>
            <label htmlFor={ids.text} className="visually-hidden">
              Message
            </label>
            <textarea
              id={ids.text}
              className={styles.input}
              rows={2}
              maxLength={4000}
              placeholder={recipient === '*' ? 'Message everyone' : `Message ${nameOf(recipient)} privately`}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) submit(e);
              }}
            />
          </div>
          <div className={styles.row}>
            <input
              ref={fileInput}
              type="file"
              multiple
              className="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => (sendFiles(e.target.files), (e.target.value = ''))}
            />
            <Button size="small" variant="secondary" type="button" onClick={() => fileInput.current?.click()}>
              <Paperclip aria-hidden="true" size={16} /> Attach a file
            </Button>
            <span className={styles.hint}>or drop it here · up to {formatSize(chat.maxFileBytes)}</span>
            <Button size="small" variant="primary" type="submit" disabled={!text.trim()}>
              <Send aria-hidden="true" size={16} /> Send
            </Button>
          </div>
          {problem && (
            <p role="alert" className={styles.problem}>
              {problem}
            </p>
          )}
        </form>
      </div>
    </Dialog>
  );
}

function FileCard({ file, chat }: { file: ChatFile; chat: CallChat }) {
  const active = file.state === 'sending' || file.state === 'receiving';
  const save = () => {
    const blob = chat.fileBlob(file.id);
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = file.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const percent = file.size === 0 ? 100 : Math.round((file.transferred / file.size) * 100);
  return (
    <div className={styles.file} data-file-state={file.state}>
      <FileIcon aria-hidden="true" size={28} className={styles.fileIcon} />
      <div className={styles.fileBody}>
        <p className={styles.fileName}>{file.name}</p>
        <p className={styles.fileMeta}>
          {formatSize(file.size)} · {file.type || 'unknown type'}
        </p>
        {active && (
          <progress
            className={styles.progress}
            max={100}
            value={percent}
            aria-label={`${file.mine ? 'Sent' : 'Received'}: ${percent} %`}
          />
        )}
        <p className={styles.fileState}>
          {file.state === 'sending' && `Sending… ${percent} %`}
          {file.state === 'receiving' && `Receiving… ${percent} %`}
          {file.state === 'complete' && (file.mine ? 'Sent' : 'Received: not saved until you choose')}
          {file.state === 'cancelled' && (file.problem ?? 'Cancelled')}
          {file.state === 'failed' && (file.problem ?? 'Failed')}
        </p>
      </div>
      {active && (
        <Button size="small" variant="secondary" onClick={() => chat.cancel(file.id)}>
          <X aria-hidden="true" size={16} /> Cancel
          <span className="visually-hidden"> {file.name}</span>
        </Button>
      )}
      {!file.mine && file.state === 'complete' && (
        <Button size="small" variant="primary" onClick={save}>
          <Download aria-hidden="true" size={16} /> Save
          <span className="visually-hidden"> {file.name}</span>
        </Button>
      )}
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
