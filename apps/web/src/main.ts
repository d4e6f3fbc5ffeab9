import { createApp } from 'vue';
// Styles of the components used through functions (ElMessage, ElMessageBox) rather than tags.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/es/components/notification/style/css';
import App from './App.vue';
import { router, startRouting } from './router';
import './styles.css';

startRouting();
createApp(App).use(router).mount('#app');
