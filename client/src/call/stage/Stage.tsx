// The call's stage: a grid that fills the space (1 → 2 → 4 → 9 tiles, then
// pages) or a speaker layout (the screen share or the active speaker large,
// everyone else in a strip), and our own small self view.
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { CallSession, CallView, RemoteParticipant } from '../CallSession.js';
import type { Quality } from '../RemoteMedia.js';
import { Tile } from './Tile.js';
import styles from './Stage.module.css';

export type Layout = 'grid' | 'speaker';

type Item = { key: string; participant: RemoteParticipant; source: 'camera' | 'screen' };

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}

export function Stage({
  session,
  view,
  layout,
  selfName,
  quality,
}: {
  session: CallSession;
  view: CallView;
  layout: Layout;
  selfName: string;
  quality: Map<string, Quality>;
}) {
  const phone = useMediaQuery('(max-width: 640px)');
  const pageSize = phone ? 4 : 9;
  const [page, setPage] = useState(0);
  const items: Item[] = view.participants.flatMap((participant) => [
    ...participant.tracks
      .filter((t) => t.source === 'screen')
      .map((t) => ({ key: t.consumerId, participant, source: 'screen' as const })),
    { key: participant.peerId, participant, source: 'camera' as const },
  ]);
  const screenShare = items.find((item) => item.source === 'screen');
  const speaker = items.find((item) => item.source === 'camera' && item.participant.peerId === view.activeSpeaker);
  const main = layout === 'speaker' ? (screenShare ?? speaker ?? items[0]) : undefined;
  const rest = main ? items.filter((item) => item !== main) : items;
  // One other person: we float small over their picture. More: we take a tile like everyone.
  const selfInline = main !== undefined || view.participants.length >= 2;
  const tiles: (Item | 'self')[] = selfInline ? [...rest, 'self'] : rest;
  const pages = Math.max(1, Math.ceil(tiles.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = main ? tiles : tiles.slice(current * pageSize, (current + 1) * pageSize);

  const selfTile = (className?: string) => (
    <Tile
      key="self"
      className={className}
      name={selfName}
      caption="You"
      kind="self"
      track={view.local.cameraTrack}
      micOff={view.local.micMuted}
      handRaised={view.handRaised}
    />
  );
  const tile = (item: Item | 'self', className?: string) => {
    if (item === 'self') return selfTile(className);
    const { participant, source } = item;
    const camera = participant.tracks.find((t) => t.source === 'camera');
    const track = participant.tracks.find(
      (t) => t.source === source && (source === 'screen' || !participant.cameraOff),
    );
    return (
      <Tile
        key={item.key}
        className={className}
        name={participant.displayName}
        caption={source === 'screen' ? `${participant.displayName}’s screen` : participant.displayName}
        kind={source}
        track={track?.track}
        speaking={source === 'camera' && participant.peerId === view.activeSpeaker}
        micOff={source === 'camera' ? participant.audioMuted : undefined}
        handRaised={source === 'camera' ? participant.handRaised : undefined}
        guest={participant.identity.kind === 'guest'}
        quality={source === 'camera' ? quality.get(participant.peerId) : undefined}
        security={view.e2ee.mode === 'on' && source === 'camera' ? view.e2ee.peers[participant.peerId] : undefined}
        onWidth={
          source === 'camera' && camera ? (width) => session.preferLayerFor(camera.consumerId, width) : undefined
        }
      />
    );
  };

  const count = shown.length;
  const columns = phone ? (count <= 2 ? 1 : 2) : count <= 1 ? 1 : count <= 4 ? 2 : 3;
  const rows = Math.max(1, Math.ceil(count / columns));
  return (
    <section className={styles.stage} aria-label="Participants">
      {items.length === 0 && (
        <div className={styles.alone}>
          <p className={styles.aloneTitle}>You are the only one here</p>
          <p>Invite others with the link in the People panel.</p>
        </div>
      )}
      {main ? (
        <div className={styles.speakerLayout}>
          <div className={styles.main}>{tile(main, styles.mainTile)}</div>
          {tiles.length > 0 && (
            <div className={styles.strip} role="list" aria-label="Others">
              {tiles.map((item) => (
                <div role="listitem" key={item === 'self' ? 'self' : item.key} className={styles.stripItem}>
                  {tile(item)}
                </div>
              ))}
            </div>
          )}
        </div>
      ) : (
        items.length > 0 && (
          <div
            className={styles.grid}
            style={{
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))`,
            }}
          >
            {shown.map((item) => tile(item))}
          </div>
        )
      )}
      {!main && pages > 1 && (
        <nav className={styles.pager} aria-label="Pages of participants">
          <button
            type="button"
            onClick={() => setPage(current - 1)}
            disabled={current === 0}
            aria-label="Previous page"
          >
            <ChevronLeft aria-hidden="true" size={20} />
          </button>
          <span aria-live="polite">
            Page {current + 1} of {pages}
          </span>
          <button
            type="button"
            onClick={() => setPage(current + 1)}
            disabled={current >= pages - 1}
            aria-label="Next page"
          >
            <ChevronRight aria-hidden="true" size={20} />
          </button>
        </nav>
      )}
      {!selfInline && <div className={styles.self}>{selfTile()}</div>}
    </section>
  );
}
