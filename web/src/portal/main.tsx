// The resident portal (/portal): a page of its own beside the staff console, with no staff sign-in. Residents are
// often elderly and on phones: very large type and buttons, plain Chinese first.
import '../global.css';
import './portal.css';
import { CJK_FONT_FAMILY, mountLocalised, type Theme } from '../shell/LocalisedRoot.tsx';
import { PortalApp } from './PortalApp.tsx';

const THEME: Theme = {
  token: {
    fontSize: 20,
    fontSizeLG: 22,
    controlHeight: 52,
    controlHeightLG: 60,
    colorPrimary: '#1f6feb',
    borderRadius: 10,
    fontFamily: CJK_FONT_FAMILY,
  },
  components: {
    Rate: { starSize: 40 },
    Timeline: { itemPaddingBottom: 24 },
  },
};

mountLocalised({ theme: THEME, basename: '/portal' }, <PortalApp />);
