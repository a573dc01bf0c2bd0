import { useEffect, useRef, useState } from 'preact/hooks';

export interface Choice<T> {
	value: T;
	label: string;
}

/** ChoiceMenu is a button that opens a menu of radio items (the player's Audio, Subtitles and
 * Quality menus). Keyboard: Enter or Space opens it with the chosen item focused, ↑/↓ move,
 * Home/End jump, Enter or Space picks, Escape or Tab closes; focus goes back to the button. */
export function ChoiceMenu<T>({ label, choices, value, onChoose, disabled }: { label: string; choices: Choice<T>[]; value: T; onChoose: (v: T) => void; disabled?: boolean }) {
	const [open, setOpen] = useState(false);
	const button = useRef<HTMLButtonElement>(null);
	const list = useRef<HTMLDivElement>(null);
	const items = () => Array.from(list.current?.querySelectorAll<HTMLElement>('[role=menuitemradio]') ?? []);

	useEffect(() => {
		if (!open) return;
		const chosen = items().find((el) => el.getAttribute('aria-checked') === 'true') ?? items()[0];
		chosen?.focus();
		const outside = (e: PointerEvent) => {
			if (!list.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
		};
		addEventListener('pointerdown', outside);
		return () => removeEventListener('pointerdown', outside);
	}, [open]);

	const close = () => {
		setOpen(false);
		button.current?.focus();
	};
	const onKey = (e: KeyboardEvent) => {
		const all = items();
		const i = all.indexOf(document.activeElement as HTMLElement);
		const move = (j: number) => all[(j + all.length) % all.length]?.focus();
		switch (e.key) {
			case 'ArrowDown':
				move(i + 1);
				break;
			case 'ArrowUp':
				move(i - 1);
				break;
			case 'Home':
				move(0);
				break;
			case 'End':
				move(all.length - 1);
				break;
			case 'Escape':
				close();
				break;
			case 'Tab':
				setOpen(false);
				return;
			default:
				return; // Enter and Space click the focused item
		}
		e.preventDefault();
		e.stopPropagation(); // the player's shortcuts must not see the arrows
	};
	const current = choices.find((c) => Object.is(c.value, value));
	return (
		<div class="choice-menu">
			<button
				ref={button}
				type="button"
				aria-haspopup="menu"
				aria-expanded={open}
				disabled={disabled}
				onClick={() => setOpen(!open)}
				title={current ? `${label}: ${current.label}` : label}
			>
				{label}
			</button>
			{open && (
				<div class="menu player-menu" role="menu" aria-label={label} ref={list} onKeyDown={onKey}>
					{choices.map((c) => (
						<button
							key={String(c.value)}
							type="button"
							role="menuitemradio"
							aria-checked={Object.is(c.value, value)}
							tabIndex={-1}
							onClick={() => {
								onChoose(c.value);
								close();
							}}
						>
							{c.label}
						</button>
					))}
				</div>
			)}
		</div>
	);
}
