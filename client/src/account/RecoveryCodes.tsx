import styles from './forms.module.css';

/** Recovery codes, shown once: each logs you in a single time if your device is lost. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(`Parley recovery codes\n\n${codes.join('\n')}\n`)}`;
  return (
    <div>
      <p>
        Each code logs you in once if you lose your authenticator. They are shown only now: Parley keeps only hashes of
        them. Store them somewhere safe.
      </p>
      <ol className={styles.codes} aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <p>
        <a href={download} download="parley-recovery-codes.txt">
          Download as a text file
        </a>
      </p>
    </div>
  );
}
