import { useLayoutEffect, useState } from 'react';
import type { RefObject } from 'react';

/**
 * The height that takes an element from where it starts down to the bottom of the window
 * (less `margin`), never under `min`: a grid then fills the page instead of a fixed box.
 */
export function useFillHeight(ref: RefObject<HTMLElement | null>, { min = 420, margin = 16 } = {}): number {
  const [height, setHeight] = useState(min);
  useLayoutEffect(() => {
    const measure = () => {
      const top = ref.current ? ref.current.getBoundingClientRect().top + window.scrollY : 0;
      setHeight(Math.max(min, Math.floor(window.innerHeight - top - margin)));
    };
    measure();
    // What sits above may change height (filter chips come and go); so does the window.
    const observer = new ResizeObserver(measure);
    if (ref.current?.parentElement) observer.observe(ref.current.parentElement);
    observer.observe(document.body);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [ref, min, margin]);
  return height;
}
