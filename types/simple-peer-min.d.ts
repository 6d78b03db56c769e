// The browser bundle of simple-peer (it carries its own Node polyfills); same API as 'simple-peer'.
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
