// Menus from Radix (arrow keys, typeahead, Escape, focus return).
import * as Radix from '@radix-ui/react-dropdown-menu';
import type { ReactElement, ReactNode } from 'react';
import styles from './Menu.module.css';

export type MenuItem =
  | { kind?: 'item'; label: string; icon?: ReactNode; onSelect: () => void; danger?: boolean; disabled?: boolean }
  | { kind: 'checkbox'; label: string; icon?: ReactNode; checked: boolean; onSelect: () => void }
  | { kind: 'separator' };

export function Menu({
  trigger,
  items,
  label,
  tone = 'page',
}: {
  trigger: ReactElement;
  items: MenuItem[];
  label: string;
  tone?: 'page' | 'stage';
}) {
  return (
    <Radix.Root>
      <Radix.Trigger asChild>{trigger}</Radix.Trigger>
      <Radix.Portal>
        <Radix.Content
          className={[styles.content, styles[tone]].join(' ')}
          aria-label={label}
          sideOffset={6}
          align="end"
        >
          {items.map((item, index) => {
            if (item.kind === 'separator') return <Radix.Separator key={index} className={styles.separator} />;
            if (item.kind === 'checkbox')
              return (
                <Radix.CheckboxItem
                  key={item.label}
                  className={styles.item}
                  checked={item.checked}
                  onSelect={item.onSelect}
                >
                  {item.icon}
                  <span>{item.label}</span>
                </Radix.CheckboxItem>
              );
            return (
              <Radix.Item
                key={item.label}
                className={[styles.item, item.danger ? styles.danger : ''].join(' ')}
                onSelect={item.onSelect}
                disabled={item.disabled}
              >
                {item.icon}
                <span>{item.label}</span>
              </Radix.Item>
            );
          })}
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}
