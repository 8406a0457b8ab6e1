import './global.css';
import { CJK_FONT_FAMILY, mountLocalised, type Theme } from './shell/LocalisedRoot.tsx';
import { Shell } from './shell/Shell.tsx';

// Many users are not young and many work on phones: larger type and taller controls than antd's defaults.
const THEME: Theme = {
  token: {
    fontSize: 16,
    controlHeight: 40,
    colorPrimary: '#1f6feb',
    borderRadius: 6,
    fontFamily: CJK_FONT_FAMILY,
  },
  components: {
    Menu: { itemHeight: 48, iconSize: 18 },
    Table: { cellPaddingBlock: 12 },
  },
};

mountLocalised({ theme: THEME }, <Shell />);
